// Datasets: schemas, values, validation, recovery.
