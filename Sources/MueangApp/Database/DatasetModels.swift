import Fluent
import ThaiConventions
import SQLKit
import Foundation

// The city database: a division's register is a dataset with a user-defined schema; its records
// keep their values as JSON, and every change is appended to `record_versions`.

public final class DatasetRecord_: @unchecked Sendable {}

public final class Dataset: Model, @unchecked Sendable {
    public static let schema = "datasets"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @OptionalField(key: "division_id") public var divisionID: UUID?
    @Field(key: "slug") public var slug: String
    @Field(key: "title_th") public var titleTH: String
    @Field(key: "title_en") public var titleEN: String
    @Field(key: "description") public var descriptionText: String
    /// The ordered field definitions (JSON array of `Datasets.FieldDefinition`), archived ones included.
    @Field(key: "fields_json") public var fieldsJSON: String
    /// PDPA lawful basis for personal data in this dataset.
    @Field(key: "lawful_basis") public var lawfulBasis: String
    @Field(key: "published") public var published: Bool
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    public init() {}
}

public final class DatasetRecord: Model, @unchecked Sendable {
    public static let schema = "dataset_records"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "dataset_id") public var datasetID: UUID
    @Field(key: "version") public var version: Int
    @Field(key: "values_json") public var valuesJSON: String
    /// Normalised text of every value, for Thai-aware search.
    @Field(key: "search_text") public var searchText: String
    @OptionalField(key: "deleted_at") public var deletedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @Field(key: "updated_by") public var updatedBy: String
    public init() {}
}

/// One state of a record: the values after a change, who made it and when. Version 1 is the
/// creation; a delete or restore from the trash is a version too, so the past can be rebuilt.
/// A record imported in bulk has no row here until it first changes: its version 1 is the
/// record itself (`DatasetService.firstVersion`), written down just before that change.
public final class RecordVersion: Model, @unchecked Sendable {
    public static let schema = "record_versions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "dataset_id") public var datasetID: UUID
    @Field(key: "record_id") public var recordID: UUID
    @Field(key: "version") public var version: Int
    @Field(key: "action") public var action: String
    @Field(key: "values_json") public var valuesJSON: String
    @Field(key: "deleted") public var deleted: Bool
    @Field(key: "actor") public var actor: String
    @Field(key: "at") public var at: Date
    public init() {}
}

/// Normalised values of the dataset's unique fields; the unique index makes two records with
/// the same value impossible, on every engine and under concurrent writes.
public final class RecordKey: Model, @unchecked Sendable {
    public static let schema = "record_keys"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "dataset_id") public var datasetID: UUID
    @Field(key: "field_key") public var fieldKey: String
    @Field(key: "value_key") public var valueKey: String
    @Field(key: "record_id") public var recordID: UUID
    public init() {}
}

/// A long-running import (or restore), polled by the browser and the API.
public final class DatasetJob: Model, @unchecked Sendable {
    public static let schema = "dataset_jobs"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "dataset_id") public var datasetID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "status") public var status: String
    @Field(key: "progress") public var progress: Double
    @OptionalField(key: "result_json") public var resultJSON: String?
    @Field(key: "actor") public var actor: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "finished_at") public var finishedAt: Date?
    public init() {}
}

extension DatasetJob {
    /// The import's answer, once the job has one.
    var importResult: ImportResult? {
        resultJSON.flatMap { try? JSONDecoder().decode(ImportResult.self, from: Data($0.utf8)) }
    }

    /// Why a failed job failed, as kept in its result: `{"error": {"th", "en"}}`.
    var failure: LocalizedMessage? {
        resultJSON.flatMap { try? JSONDecoder().decode(Failure.self, from: Data($0.utf8)).error }
    }

    /// The result a failed job keeps.
    static func failureJSON(_ message: LocalizedMessage) -> String {
        String(decoding: (try? JSONEncoder().encode(Failure(error: message))) ?? Data(), as: UTF8.self)
    }

    private struct Failure: Codable { let error: LocalizedMessage }
}

extension Dataset: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<Dataset>, _ id: UUID) -> QueryBuilder<Dataset> { q.filter(\.$tenantID == id) }
}
extension DatasetRecord: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<DatasetRecord>, _ id: UUID) -> QueryBuilder<DatasetRecord> { q.filter(\.$tenantID == id) }
}
extension RecordVersion: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<RecordVersion>, _ id: UUID) -> QueryBuilder<RecordVersion> { q.filter(\.$tenantID == id) }
}
extension RecordKey: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<RecordKey>, _ id: UUID) -> QueryBuilder<RecordKey> { q.filter(\.$tenantID == id) }
}
extension DatasetJob: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<DatasetJob>, _ id: UUID) -> QueryBuilder<DatasetJob> { q.filter(\.$tenantID == id) }
}

struct M0003Datasets: AsyncMigration {
    var name: String { "0003_datasets" }

    func prepare(on db: any Database) async throws {
        try await db.schema(Dataset.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("division_id", .uuid, .references(Division.schema, "id", onDelete: .setNull))
            .field("slug", .string, .required)
            .field("title_th", .string, .required)
            .field("title_en", .string, .required)
            .field("description", .string, .required)
            .field("fields_json", .string, .required)
            .field("lawful_basis", .string, .required)
            .field("published", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "slug")
            .create()
        try await db.schema(DatasetRecord.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("dataset_id", .uuid, .required, .references(Dataset.schema, "id"))
            .field("version", .int, .required)
            .field("values_json", .string, .required)
            .field("search_text", .string, .required)
            .field("deleted_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .create()
        try await db.schema(RecordVersion.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("dataset_id", .uuid, .required, .references(Dataset.schema, "id"))
            .field("record_id", .uuid, .required)
            .field("version", .int, .required)
            .field("action", .string, .required)
            .field("values_json", .string, .required)
            .field("deleted", .bool, .required)
            .field("actor", .string, .required)
            .field("at", .datetime, .required)
            .unique(on: "record_id", "version")
            .create()
        try await db.schema(RecordKey.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("dataset_id", .uuid, .required, .references(Dataset.schema, "id"))
            .field("field_key", .string, .required)
            .field("value_key", .string, .required)
            .field("record_id", .uuid, .required)
            .unique(on: "dataset_id", "field_key", "value_key")
            .create()
        try await db.schema(DatasetJob.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("dataset_id", .uuid, .required, .references(Dataset.schema, "id"))
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("progress", .double, .required)
            .field("result_json", .string)
            .field("actor", .string, .required)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX dataset_records_list ON dataset_records (tenant_id, dataset_id, deleted_at)").run()
            try await sql.raw("CREATE INDEX record_versions_dataset_at ON record_versions (tenant_id, dataset_id, at)").run()
            try await sql.raw("CREATE INDEX record_versions_record ON record_versions (record_id, version)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for s in [DatasetJob.schema, RecordKey.schema, RecordVersion.schema, DatasetRecord.schema, Dataset.schema] {
            try await db.schema(s).delete()
        }
    }
}

/// One index fewer: the unique constraint on (record_id, version) already is that index.
/// (An earlier build of this migration also built the typed columns; 0007 builds them now.)
struct M0006ValueColumns: AsyncMigration {
    var name: String { "0006_value_columns" }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS record_versions_record").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS record_versions_record ON record_versions (record_id, version)").run()
    }
}

/// On SQLite, the index a dataset's live records are found by ends with their id, so a page
/// taken in id order (an export, a rebuild of the typed columns) is read from it in order.
/// Without the id, SQLite sorted every live record of the dataset for each page of 2,000: a
/// million-row export took four minutes. PostgreSQL keeps each dataset's records in a
/// partition of their own (0009) and walks its primary key.
struct M0011RecordListByID: AsyncMigration {
    var name: String { "0011_record_list_by_id" }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !JSONPath.isPostgres(sql) else { return }
        try await sql.raw("DROP INDEX IF EXISTS dataset_records_list").run()
        try await sql.raw("CREATE INDEX dataset_records_list ON dataset_records (tenant_id, dataset_id, deleted_at, id)").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, !JSONPath.isPostgres(sql) else { return }
        try await sql.raw("DROP INDEX IF EXISTS dataset_records_list").run()
        try await sql.raw("CREATE INDEX dataset_records_list ON dataset_records (tenant_id, dataset_id, deleted_at)").run()
    }
}

/// The typed columns (see `ValueColumns`) of every existing dataset, named by position; on a
/// database migrated by the earlier 0006, this replaces its tables named after field keys.
struct M0007ValueColumnsByPosition: AsyncMigration {
    var name: String { "0007_value_columns_by_position" }

    func prepare(on db: any Database) async throws { try await ValueColumns.rebuildAll(on: db) }

    func revert(on db: any Database) async throws {
        for d in try await Dataset.query(on: db).all() {
            try await ValueColumns(db, datasetID: try d.requireID(), schema: try DatasetService.schema(of: d))?.drop()
        }
    }
}

/// A record's unique keys are replaced on every write (`DatasetService.writeKeys`), found by
/// the record: without an index on it, each write (and each row an import updates by key)
/// scanned every key of every dataset.
struct M0012RecordKeysByRecord: AsyncMigration {
    var name: String { "0012_record_keys_by_record" }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS record_keys_record ON record_keys (record_id)").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS record_keys_record").run()
    }
}
