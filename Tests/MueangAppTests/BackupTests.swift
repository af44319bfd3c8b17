import Foundation
import Testing
import Vapor
import Fluent
import SQLKit
@testable import MueangApp

@Suite("Backup and restore give back identical rows")
struct BackupTests {
    /// Every table of the platform as canonical JSON, for comparing two databases.
    static func dump(_ db: any Database, tenant: String? = nil) async throws -> [String: String] {
        let doc = try await BackupService.snapshot(db: db, tenantSlug: tenant)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let t = doc.tables
        func j<T: Encodable>(_ v: T) throws -> String { String(decoding: try e.encode(v), as: UTF8.self) }
        return [
            "_fluent_migrations": try j(t.migrations), "tenants": try j(t.tenants), "divisions": try j(t.divisions),
            "villages": try j(t.villages), "users": try j(t.users), "user_divisions": try j(t.userDivisions),
            "user_villages": try j(t.userVillages), "login_sessions": try j(t.loginSessions), "api_tokens": try j(t.apiTokens),
            "audit_entries": try j(t.auditEntries), "tenant_assets": try j(t.tenantAssets),
            "datasets": try j(t.datasets), "dataset_records": try j(t.datasetRecords), "record_versions": try j(t.recordVersions),
            "record_keys": try j(t.recordKeys), "dataset_jobs": try j(t.datasetJobs), "record_files": try j(t.recordFiles),
        ]
    }

    static func tableNames(_ db: any Database) async throws -> [String] {
        guard let sql = db as? any SQLDatabase else { return [] }
        struct Row: Decodable { let name: String }
        let query: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return try await sql.raw(query).all(decoding: Row.self).map(\.name)
    }

    /// Puts a little of everything in: a session, a token, audit entries, a logo, a staff scope.
    static func exercise(_ app: Application) async throws {
        let admin = try await Browser.signedIn(app, "hatyai", .admin)
        try await admin.post("/t/hatyai/villages", [("kind", "community"), ("nameTH", "ชุมชนทดสอบ"), ("nameEN", "Test")])
        _ = try await admin.get("/t/hatyai/users")
        _ = try await Browser.withToken(app, "nongki", .executive)
        let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "hatyai")
        let logo = TenantAsset()
        logo.kind = "logo"; logo.contentType = "image/png"; logo.data = Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 255]); logo.updatedAt = Date()
        try await TenantScope(tenantID: tenant.requireID(), db: app.db).create(logo)
    }

    @Test("A whole-platform backup restored into an empty database equals the original, table by table", arguments: Engine.available)
    func wholePlatform(engine: Engine) async throws {
        let (original, file) = try await TestApp.with(engine) { app in
            try await Self.exercise(app)
            let doc = try await BackupService.snapshot(db: app.db)
            return (try await Self.dump(app.db), try BackupService.encode(doc))
        }
        #expect(original.count == 17)
        // Every table of the schema is in the comparison.
        #expect(Set(original.keys) == Set(try await TestApp.with(engine, .empty) { app in try await Self.tableNames(app.db) }))
        #expect(original["dataset_records"]?.contains("นาง") == true)
        #expect(original["tenant_assets"]?.contains("image/png") == true)
        try await TestApp.with(engine, .empty) { app in
            try await BackupService.restore(try BackupService.decode(file), into: app.db)
            let restored = try await Self.dump(app.db)
            for (table, rows) in original { #expect(restored[table] == rows, "table \(table) differs") }
            // The restored platform serves: its people can sign in and see their pages.
            let admin = try await Browser.signedIn(app, "hatyai", .admin)
            #expect(try await admin.get("/t/hatyai/villages").body.contains("ชุมชนทดสอบ"))
            // The typed columns behind aggregates, not in the backup, are built again.
            let api = try await Browser.withToken(app, "nongki", .admin)
            try await CityDatabaseMoreTests.expectAggregateMatchesRecords(api, "/api/v1/t/nongki/datasets/households", group: "village", sum: "members")
            // Restoring twice is refused and leaves the database as it was.
            await #expect(throws: BackupService.Problem.self) { try await BackupService.restore(try BackupService.decode(file), into: app.db) }
        }
    }

    @Test("One tenant's backup holds only that tenant and restores on its own", arguments: Engine.available)
    func oneTenant(engine: Engine) async throws {
        let (original, file) = try await TestApp.with(engine) { app in
            try await Self.exercise(app)
            let doc = try await BackupService.snapshot(db: app.db, tenantSlug: "hatyai")
            #expect(doc.tables.tenants.map(\.slug) == ["hatyai"])
            let hatyaiID = try doc.tables.tenants[0].requireID()
            #expect(doc.tables.users.allSatisfy { $0.tenantID == hatyaiID })
            #expect(doc.tables.auditEntries.allSatisfy { $0.tenantID == hatyaiID })
            return (try await Self.dump(app.db, tenant: "hatyai"), try BackupService.encode(doc))
        }
        try await TestApp.with(engine, .empty) { app in
            try await BackupService.restore(try BackupService.decode(file), into: app.db)
            let restored = try await Self.dump(app.db, tenant: "hatyai")
            for (table, rows) in original where table != "_fluent_migrations" { #expect(restored[table] == rows, "table \(table) differs") }
            #expect(try await Tenant.query(on: app.db).count() == 1)
        }
    }

    @Test("A snapshot taken while the server writes is consistent and restores", arguments: Engine.available)
    func whileWriting(engine: Engine) async throws {
        let file = try await TestApp.with(engine) { app in
            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let scope = TenantScope(tenantID: try tenant.requireID(), db: app.db)
            let writer = Task {
                for i in 0..<60 {
                    try await scope.transaction { tx in
                        let d = Division(); d.slug = "busy-\(i)"; d.nameTH = "กอง \(i)"; d.nameEN = "D\(i)"; d.sortOrder = i; d.createdAt = Date()
                        try await tx.create(d)
                        try await Audit.record(on: tx.db, tenantID: tx.tenantID, user: nil, actor: "writer", action: "create", objectType: "division", summary: "busy \(i)")
                    }
                }
            }
            var docs: [BackupDocument] = []
            for _ in 0..<5 { docs.append(try await BackupService.snapshot(db: app.db)) }
            try await writer.value
            // Each division was written with its audit entry in one transaction: a consistent
            // snapshot has exactly as many of one as of the other.
            for doc in docs {
                let divisions = doc.tables.divisions.filter { $0.slug.hasPrefix("busy-") }.count
                let entries = doc.tables.auditEntries.filter { $0.actor == "writer" }.count
                #expect(divisions == entries)
            }
            return try BackupService.encode(docs.last!)
        }
        try await TestApp.with(engine, .empty) { app in
            try await BackupService.restore(try BackupService.decode(file), into: app.db)
            #expect(try await Tenant.query(on: app.db).count() == 3)
        }
    }

    @Test("A file that is not a backup is refused with a clear message")
    func notABackup() throws {
        #expect(throws: BackupService.Problem.self) { try BackupService.decode(Data("{\"format\":\"zip\"}".utf8)) }
        #expect(throws: BackupService.Problem.self) { try BackupService.decode(Data()) }
    }
}
