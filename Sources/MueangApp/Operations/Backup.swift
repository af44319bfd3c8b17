import Fluent
import FluentKit
import SQLKit
import Foundation

/// A snapshot of the platform, or of one tenant, as one JSON document. Rows are the models'
/// own Codable form, so a restore writes back exactly the values that were read.
public struct BackupDocument: Codable, Sendable {
    public static let formatName = "mueang-backup"
    public var format = BackupDocument.formatName
    public var version = 1
    public var createdAt: Date
    /// nil for the whole platform; a slug for one tenant.
    public var tenant: String?
    public var tables: Tables

    public struct Tables: Codable, Sendable {
        public var migrations: [MigrationLog] = []
        public var tenants: [Tenant] = []
        public var divisions: [Division] = []
        public var villages: [Village] = []
        public var users: [User] = []
        public var userDivisions: [UserDivision] = []
        public var userVillages: [UserVillage] = []
        public var loginSessions: [LoginSession] = []
        public var apiTokens: [APIToken] = []
        public var auditEntries: [AuditEntry] = []
        public var tenantAssets: [TenantAsset] = []
        public var datasets: [Dataset] = []
        public var datasetRecords: [DatasetRecord] = []
        public var recordVersions: [RecordVersion] = []
        public var recordKeys: [RecordKey] = []
        public var datasetJobs: [DatasetJob] = []
        public var recordFiles: [RecordFile] = []

        public var rowCount: Int {
            migrations.count + tenants.count + divisions.count + villages.count + users.count + userDivisions.count
                + userVillages.count + loginSessions.count + apiTokens.count + auditEntries.count + tenantAssets.count
                + datasets.count + datasetRecords.count + recordVersions.count + recordKeys.count + datasetJobs.count + recordFiles.count
        }
    }
}

public enum BackupService {
    public struct Problem: Error, CustomStringConvertible, Sendable { public let description: String }

    /// Reads every table inside one transaction. On PostgreSQL the transaction is REPEATABLE READ
    /// and on SQLite (write-ahead log) a read transaction, so all tables come from the same instant
    /// even while the server keeps writing.
    public static func snapshot(db: any Database, tenantSlug: String? = nil) async throws -> BackupDocument {
        try await db.transaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            }
            var t = BackupDocument.Tables()
            if let tenantSlug {
                guard let tenant = try await Tenant.query(on: tx).filter(\.$slug == tenantSlug).first() else {
                    throw Problem(description: "no tenant \(tenantSlug) / ไม่พบเทศบาล \(tenantSlug)")
                }
                let id = try tenant.requireID()
                t.tenants = [tenant]
                t.divisions = try await Division.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.villages = try await Village.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.users = try await User.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.userDivisions = try await UserDivision.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.userVillages = try await UserVillage.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.loginSessions = try await LoginSession.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.apiTokens = try await APIToken.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.auditEntries = try await AuditEntry.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.tenantAssets = try await TenantAsset.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.datasets = try await Dataset.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.datasetRecords = try await DatasetRecord.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.recordVersions = try await RecordVersion.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.recordKeys = try await RecordKey.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.datasetJobs = try await DatasetJob.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
                t.recordFiles = try await RecordFile.query(on: tx).filter(\.$tenantID == id).sort(\.$id).all()
            } else {
                t.migrations = try await MigrationLog.query(on: tx).sort(\.$id).all()
                t.tenants = try await Tenant.query(on: tx).sort(\.$id).all()
                t.divisions = try await Division.query(on: tx).sort(\.$id).all()
                t.villages = try await Village.query(on: tx).sort(\.$id).all()
                t.users = try await User.query(on: tx).sort(\.$id).all()
                t.userDivisions = try await UserDivision.query(on: tx).sort(\.$id).all()
                t.userVillages = try await UserVillage.query(on: tx).sort(\.$id).all()
                t.loginSessions = try await LoginSession.query(on: tx).sort(\.$id).all()
                t.apiTokens = try await APIToken.query(on: tx).sort(\.$id).all()
                t.auditEntries = try await AuditEntry.query(on: tx).sort(\.$id).all()
                t.tenantAssets = try await TenantAsset.query(on: tx).sort(\.$id).all()
                t.datasets = try await Dataset.query(on: tx).sort(\.$id).all()
                t.datasetRecords = try await DatasetRecord.query(on: tx).sort(\.$id).all()
                t.recordVersions = try await RecordVersion.query(on: tx).sort(\.$id).all()
                t.recordKeys = try await RecordKey.query(on: tx).sort(\.$id).all()
                t.datasetJobs = try await DatasetJob.query(on: tx).sort(\.$id).all()
                t.recordFiles = try await RecordFile.query(on: tx).sort(\.$id).all()
            }
            return BackupDocument(createdAt: Date(), tenant: tenantSlug, tables: t)
        }
    }

    public static func encode(_ doc: BackupDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(doc)
    }

    public static func decode(_ data: Data) throws -> BackupDocument {
        let doc: BackupDocument
        do { doc = try JSONDecoder().decode(BackupDocument.self, from: data) } catch {
            throw Problem(description: "not a Mueang backup file (\(error)) / ไฟล์นี้ไม่ใช่ไฟล์สำรองข้อมูลของเมือง")
        }
        guard doc.format == BackupDocument.formatName, doc.version == 1 else {
            throw Problem(description: "unsupported backup format \(doc.format) v\(doc.version) / ไม่รองรับรูปแบบไฟล์สำรองนี้")
        }
        return doc
    }

    /// Writes a snapshot back into a migrated database that holds none of its rows. All or nothing.
    public static func restore(_ doc: BackupDocument, into db: any Database) async throws {
        try await TenantScope.writeTransaction(on: db) { tx in
            if doc.tenant == nil {
                guard try await Tenant.query(on: tx).count() == 0, try await User.query(on: tx).count() == 0 else {
                    throw Problem(description: "the target database is not empty; restore a whole-platform backup into an empty one / ฐานข้อมูลปลายทางไม่ว่าง")
                }
                // The schema was made by this build's migrations; keep the backup's own log of them.
                try await MigrationLog.query(on: tx).delete()
            } else {
                for tenant in doc.tables.tenants where try await Tenant.query(on: tx).filter(\.$slug == tenant.slug).first() != nil {
                    throw Problem(description: "tenant \(tenant.slug) already exists in the target / มีเทศบาล \(tenant.slug) อยู่แล้ว")
                }
            }
            let t = doc.tables
            // Inserting stamps the models with the current time, so note the recorded times first.
            let migrationTimes = t.migrations.map { ($0.id, $0.createdAt, $0.updatedAt) }
            try await insert(t.migrations, tx)
            try await restoreMigrationTimes(migrationTimes, tx)
            try await insert(t.tenants, tx)
            try await insert(t.divisions, tx)
            try await insert(t.villages, tx)
            try await insert(t.users, tx)
            try await insert(t.userDivisions, tx)
            try await insert(t.userVillages, tx)
            try await insert(t.loginSessions, tx)
            try await insert(t.apiTokens, tx)
            try await insert(t.auditEntries, tx)
            try await insert(t.tenantAssets, tx)
            try await insert(t.datasets, tx)
            try await insert(t.datasetRecords, tx)
            try await insert(t.recordVersions, tx)
            try await insert(t.recordKeys, tx)
            try await insert(t.datasetJobs, tx)
            try await insert(t.recordFiles, tx)
            // Derived from the records, so not in the backup: built again here.
            for d in t.datasets {
                try await ValueColumns(tx, datasetID: try d.requireID(), schema: try DatasetService.schema(of: d))?.rebuild()
            }
        }
    }

    /// Fluent stamps `created_at` on insert; put back the times the backup recorded.
    static func restoreMigrationTimes(_ rows: [(UUID?, Date?, Date?)], _ db: any Database) async throws {
        for (id, created, updated) in rows {
            guard let id else { continue }
            // Timestamps given explicitly to a query are kept as they are.
            try await MigrationLog.query(on: db).filter(\.$id == id)
                .set(\.$createdAt, to: created)
                .set(\.$updatedAt, to: updated)
                .update()
        }
    }

    static func insert<M: Model>(_ rows: [M], _ db: any Database) async throws {
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            try await Array(rows[chunk..<min(chunk + 200, rows.count)]).create(on: db)
        }
    }
}
