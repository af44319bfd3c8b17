// Tabular files: CSV, XLSX, GeoJSON.
