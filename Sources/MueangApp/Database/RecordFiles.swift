import Fluent
import Foundation

/// A photo or document attached to a record's `file` field. Kept in the database, like the
/// logo, so backups carry it; the field's value is `file:<id>`.
public final class RecordFile: Model, @unchecked Sendable {
    public static let schema = "record_files"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "dataset_id") public var datasetID: UUID
    @Field(key: "filename") public var filename: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "data") public var data: Data
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

extension RecordFile: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<RecordFile>, _ id: UUID) -> QueryBuilder<RecordFile> { q.filter(\.$tenantID == id) }
}

struct M0005RecordFiles: AsyncMigration {
    var name: String { "0005_record_files" }

    func prepare(on db: any Database) async throws {
        try await db.schema(RecordFile.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("dataset_id", .uuid, .required, .references(Dataset.schema, "id"))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(RecordFile.schema).delete()
    }
}

enum RecordFiles {
    static let maxBytes = 5 << 20

    /// Photos and PDFs, recognised by their first bytes.
    static func contentType(_ data: Data) -> String? {
        if let image = SettingsController.imageType(data) { return image }
        if data.starts(with: Array("%PDF".utf8)) { return "application/pdf" }
        return nil
    }
}
