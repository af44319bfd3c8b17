// Tabular files: CSV, XLSX and GeoJSON, read and written as streams.
//
// Reading
// - `CSVReader`: UTF-8 (with or without BOM), TIS-620 and Windows-874 detected; comma, semicolon or
//   tab detected; RFC 4180 quoting; one `CSVRow` at a time in bounded memory.
// - `XLSXWorkbook`: sheet names, and the rows of one sheet as `CellValue`s (shared and inline
//   strings, numbers, booleans, errors, dates from the cell's number format), parsed with a SAX
//   parser so a large sheet is never held as a tree.
//
// Writing
// - `CSVWriter`: UTF-8 with BOM and CRLF, as Excel wants for Thai text.
// - `XLSXWriter`: one sheet, bold header, numbers, dates, inline strings; rows go to a temporary
//   file and are zipped at `finish()`.
// - `GeoJSONWriter`: an RFC 7946 FeatureCollection of points and (multi)polygons.
//
// Every error is a `TabularError`, a `BilingualError` that knows its row number when it has one.
