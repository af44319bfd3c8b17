// Datasets: schemas, values, validation, recovery of registers from old copies.
//
// Foundation and ThaiConventions only, no Vapor and no database: the web app stores schemas and
// values as JSON and calls this module for every check, so forms, the API and imports validate
// exactly alike. Entry points:
// - `FieldType`, `FieldDefinition`, `DatasetSchema`: a dataset's fields; `DatasetSchema.problems()`.
// - `FieldValue`, `RecordValues`: typed values and their JSON form; `JSONValue` for raw JSON.
// - `FieldDefinition.parse(text:)` / `parse(json:)` / `check(_:)`: one field.
// - `RecordValidator` (or `DatasetSchema.validate`): a whole record, defaults applied.
// - `DatasetSchema.suggestColumnMapping(headers:)`: import columns to fields.
// - `SchemaEvolution`: renames, archiving, and type changes refused with the blocking records.
// - `SearchText`: normalisation for Thai-aware `?q=` search.
// - `RecoveryWorkbench`: rebuild a register from several partial old copies (กู้คืนข้อมูล).
//
// Left to the app (they need the database): uniqueness (`FieldDefinition.unique`) and the
// existence of referenced records and villages (`reference`, `village`); see `RecordValidator`.
