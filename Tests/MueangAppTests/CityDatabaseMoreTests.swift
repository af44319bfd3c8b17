import Foundation
import Testing
import Vapor
import Fluent
import SQLKit
@testable import MueangApp
import Datasets
import Tabular
import ThaiConventions

@Suite("City database: aggregates, purge, schema changes, recovery")
struct CityDatabaseMoreTests {
    typealias API = CityDatabaseAPITests

    /// Each demo tenant's datasets, their fields and their records' values, with village ids
    /// written as the village's tenant and number (ids are new on every run).
    static func demoContents(_ app: Application) async throws -> [String] {
        var lines: [String] = []
        for t in try await Tenant.query(on: app.db).sort(\.$slug).all() {
            var villages: [String: String] = [:]
            for v in try await Village.query(on: app.db).filter(\.$tenantID == t.requireID()).all() {
                villages[try v.requireID().uuidString] = "village \(t.slug) \(v.number ?? 0) \(v.nameTH)"
            }
            for d in try await Dataset.query(on: app.db).filter(\.$tenantID == t.requireID()).sort(\.$slug).all() {
                lines.append("dataset \(t.slug)/\(d.slug) \(d.titleTH) \(d.fieldsJSON)")
                var values = try await DatasetRecord.query(on: app.db).filter(\.$datasetID == d.requireID()).all().map(\.valuesJSON)
                for (id, name) in villages { values = values.map { $0.replacingOccurrences(of: id, with: name) } }
                lines += values.sorted()
            }
        }
        return lines
    }

    @Test("The demo's datasets come out the same from the same seed")
    func demoIsDeterministic() async throws {
        var runs: [[String]] = []
        for _ in 0..<2 {
            runs.append(try await TestApp.with(.sqlite, .empty) { app in
                #expect(try await DemoSeed().run(on: app.db, passwordCost: 4))
                return try await Self.demoContents(app)
            })
        }
        // Hat Yai a business register; Nong Ki households and water points; Lahan Sai households.
        let datasets = runs[0].filter { $0.hasPrefix("dataset ") }.map { $0.split(separator: " ")[1] }
        #expect(datasets == ["hatyai/businesses", "lahansai/households", "nongki/households", "nongki/water-points"])
        #expect(runs[0].count > 300)
        #expect(runs[0] == runs[1])
    }

    @Test("Group-by count and sum agree with the records themselves", arguments: Engine.available)
    func aggregate(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            try await Self.expectAggregateMatchesRecords(api, "/api/v1/t/nongki/datasets/households", group: "village", sum: "members")
            #expect(try await api.get("/api/v1/t/nongki/datasets/households/aggregate?group=nope").status == .badRequest)
            #expect(try await api.get("/api/v1/t/nongki/datasets/households/aggregate?group=village&sum=head").status == .badRequest)
        }
    }

    /// The aggregate endpoint's answer against the same figures counted from the records API.
    static func expectAggregateMatchesRecords(_ api: Browser, _ base: String, group: String, sum: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let all = try API.json(try await api.get(base + "/records?limit=1000"))
        var expected: [String: (count: Int, sum: Decimal)] = [:]
        for item in try #require(all["items"] as? [[String: Any]]) {
            let values = item["values"] as? [String: Any] ?? [:]
            let key = values[group].map { "\($0)" } ?? "-"
            expected[key, default: (0, 0)].count += 1
            if let n = values[sum] as? NSNumber { expected[key, default: (0, 0)].sum += n.decimalValue }
        }
        let agg = try API.json(try await api.get(base + "/aggregate?group=\(group)&sum=\(sum)"))
        var got: [String: (count: Int, sum: Decimal)] = [:]
        for g in try #require(agg["items"] as? [[String: Any]]) {
            let key = (g["group"] as? String) ?? "-"
            got[key] = (g["count"] as? Int ?? -1, Decimal(g["sum"] as? Double ?? -1))
        }
        #expect(got.mapValues(\.count) == expected.mapValues(\.count), sourceLocation: sourceLocation)
        for (key, e) in expected {
            let difference = abs(NSDecimalNumber(decimal: (got[key]?.sum ?? 0) - e.sum).doubleValue)
            #expect(difference < 0.005, "sum of \(key): \(got[key]?.sum ?? 0) vs \(e.sum)", sourceLocation: sourceLocation)
        }
    }

    @Test("The typed columns behind aggregates follow every kind of write", arguments: Engine.available)
    func aggregateFollowsWrites(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let created = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "stalls", "title": {"th": "แผงตลาด", "en": "Stalls"}, "fields": [{"key": "code", "type": "text", "unique": true}, {"key": "zone", "type": "choice", "choices": ["ก", "ข", "ค"]}, {"key": "rent", "type": "decimal"}, {"key": "staff", "type": "integer"}, {"key": "since", "type": "date"}]}"#)
            #expect(created.status == .created, "\(created.body)")
            let base = "/api/v1/t/nongki/datasets/stalls"
            func check(_ sum: String = "rent", sourceLocation: SourceLocation = #_sourceLocation) async throws {
                try await Self.expectAggregateMatchesRecords(api, base, group: "zone", sum: sum, sourceLocation: sourceLocation)
                try await Self.expectAggregateMatchesRecords(api, base, group: "since", sum: "staff", sourceLocation: sourceLocation)
            }
            try await check()   // empty
            var ids: [String] = []
            for (i, zone) in ["ก", "ข", "ก", "ค", "ก"].enumerated() {
                let r = try API.json(try await API.send(api, .POST, base + "/records", json: #"{"code": "S\#(i)", "zone": "\#(zone)", "rent": "\#(1200 + i).50", "staff": "\#(i)", "since": "\#(2566 + i % 2)-01-0\#(i + 1)"}"#))
                ids.append(try #require(r["id"] as? String))
            }
            try await check()
            try await Task.sleep(for: .milliseconds(20))
            let moment = ISO8601DateFormatter.withFraction.string(from: Date())
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await API.send(api, .PATCH, base + "/records/\(ids[0])", json: #"{"zone": "ค", "rent": "99.25"}"#).status == .ok)
            #expect(try await API.send(api, .DELETE, base + "/records/\(ids[1])").status == .noContent)
            try await check()
            #expect(try await API.send(api, .POST, base + "/trash/\(ids[1])/restore").status == .ok)
            try await check()
            let csv = "code,zone,rent,staff,since\nS9,ข,500.75,๓,๑๕/๖/๒๕๖๗\nS10,ค,,2,\nS11,ง,1,1,2024-01-01\n"
            let imported = try await API.send(api, .POST, base + "/import?mode=valid_rows", body: ByteBuffer(string: csv), type: "text/csv")
            #expect(try API.json(imported)["imported"] as? Int == 2, "\(imported.body)")
            try await check()
            let updated = try await API.send(api, .POST, base + "/import?mode=valid_rows&key=code", body: ByteBuffer(string: "code,rent\nS9,1.25\n"), type: "text/csv")
            #expect(try API.json(updated)["updated"] as? Int == 1, "\(updated.body)")
            try await check()
            let restored = try await API.send(api, .POST, base + "/restore?at=\(Browser.escape(moment))")
            #expect(restored.status == .ok, "\(restored.body)")
            try await check()
            let renamed = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "code", "type": "text", "unique": true}, {"key": "zone", "type": "choice", "choices": ["ก", "ข", "ค"]}, {"key": "monthly_rent", "type": "decimal"}, {"key": "staff", "type": "integer"}, {"key": "since", "type": "date"}], "renames": {"rent": "monthly_rent"}}"#)
            #expect(renamed.status == .ok, "\(renamed.body)")
            try await check("monthly_rent")
            #expect(try await api.get(base + "/aggregate?group=zone&sum=rent").status == .badRequest)
            let agg = try API.json(try await api.get(base + "/aggregate?group=zone&sum=monthly_rent"))
            #expect((agg["items"] as? [[String: Any]])?.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 5)
        }
    }

    @Test("A reference field must point at a dataset of the same municipality", arguments: Engine.available)
    func referenceTargets(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            func design(_ target: String, slug: String = "visits") -> String {
                #"{"slug": "\#(slug)", "title": {"th": "เยี่ยมบ้าน", "en": "Visits"}, "fields": [{"key": "home", "type": "reference", "reference": "\#(target)"}]}"#
            }
            // Hat Yai's business register is another municipality's: not a target here.
            for target in ["nope", "businesses"] {
                let refused = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: design(target))
                #expect(refused.status.code >= 400 && refused.status.code < 500)
                let error = try API.json(refused)["error"] as? [String: String]
                #expect(error?["th"]?.contains(target) == true && error?["en"]?.contains(target) == true)
            }
            #expect(try await api.get("/api/v1/t/nongki/datasets/visits").status == .notFound)
            #expect(try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: design("households")).status == .created)
            #expect(try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: design("tree", slug: "tree")).status == .created)
            let changed = try await API.send(api, .PUT, "/api/v1/t/nongki/datasets/visits/fields", json: #"{"fields": [{"key": "home", "type": "reference", "reference": "businesses"}]}"#)
            #expect(changed.status.code >= 400 && changed.status.code < 500)
            let fields = try API.json(try await api.get("/api/v1/t/nongki/datasets/visits"))["fields"] as? [[String: Any]]
            #expect(fields?.first?["reference"] as? String == "households")
        }
    }

    @Test("The database refuses a record without its dataset, and a dataset delete that would orphan records", arguments: Engine.available)
    func recordOwnership(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let nongki = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let hatyai = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "hatyai")
            let households = try #require(try await Dataset.query(on: app.db).filter(\.$tenantID == nongki.requireID()).filter(\.$slug == "households").first())
            let before = try await DatasetRecord.query(on: app.db).count()
            func insert(tenant: UUID, dataset: UUID) async throws {
                let r = DatasetRecord()
                r.id = UUID(); r.tenantID = tenant; r.datasetID = dataset; r.version = 1; r.valuesJSON = "{}"; r.searchText = ""
                r.createdAt = Date(); r.updatedAt = Date(); r.updatedBy = "test"
                try await r.create(on: app.db)
            }
            await #expect(throws: (any Error).self) { try await insert(tenant: try nongki.requireID(), dataset: UUID()) }
            if engine == .postgres {
                // Checked once per statement: the tenant must be the dataset's own, also for
                // many rows at once and for an update.
                await #expect(throws: (any Error).self) { try await insert(tenant: try hatyai.requireID(), dataset: try households.requireID()) }
                await #expect(throws: (any Error).self) {
                    try await sql.raw("UPDATE dataset_records SET tenant_id = \(bind: try hatyai.requireID()) WHERE dataset_id = \(bind: try households.requireID())").run()
                }
                await #expect(throws: (any Error).self) {
                    try await sql.raw("UPDATE datasets SET tenant_id = \(bind: try hatyai.requireID()) WHERE id = \(bind: try households.requireID())").run()
                }
            }
            try await insert(tenant: try nongki.requireID(), dataset: try households.requireID())
            #expect(try await DatasetRecord.query(on: app.db).count() == before + 1)
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM datasets WHERE id = \(bind: try households.requireID())").run()
            }
            #expect(try await Dataset.find(households.requireID(), on: app.db) != nil)
            // A dataset without records can go.
            let empty = Dataset()
            empty.tenantID = try nongki.requireID(); empty.slug = "empty"; empty.titleTH = "ว่าง"; empty.titleEN = "Empty"
            empty.descriptionText = ""; empty.fieldsJSON = "[]"; empty.lawfulBasis = ""; empty.published = false
            empty.createdAt = Date(); empty.updatedAt = Date()
            try await empty.create(on: app.db)
            let partition = M0009RecordPartitions.partition(of: try empty.requireID())
            if engine == .postgres { #expect(try await Self.tableExists(sql, partition)) }
            try await sql.raw("DELETE FROM datasets WHERE id = \(bind: try empty.requireID())").run()
            if engine == .postgres { #expect(try await !Self.tableExists(sql, partition)) }
        }
    }

    static func tableExists(_ sql: any SQLDatabase, _ name: String) async throws -> Bool {
        struct Row: Decodable { let found: Bool }
        return try await sql.raw("SELECT to_regclass(\(bind: name)) IS NOT NULL AS found").first(decoding: Row.self)?.found ?? false
    }

    @Test("On PostgreSQL, records move into one partition per dataset and back without a row lost or changed",
          arguments: Engine.available.filter { $0 == .postgres })
    func recordPartitions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            struct Row: Decodable, Equatable { let id: UUID; let dataset_id: UUID; let values_json: String; let search_text: String; let version: Int }
            func rows() async throws -> [Row] {
                try await sql.raw("SELECT id, dataset_id, values_json, search_text, version FROM dataset_records ORDER BY id").all(decoding: Row.self)
            }
            struct Count: Decodable { let n: Int }
            func partitions() async throws -> Int {
                try await sql.raw("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'dataset_records'::regclass").first(decoding: Count.self)?.n ?? -1
            }
            let before = try await rows()
            #expect(before.count > 100)
            #expect(try await M0009RecordPartitions.isPartitioned(sql))
            #expect(try await partitions() == (try await Dataset.query(on: app.db).count()))
            try await M0009RecordPartitions().revert(on: app.db)
            #expect(try await !M0009RecordPartitions.isPartitioned(sql))
            #expect(try await rows() == before)
            try await M0009RecordPartitions().prepare(on: app.db)
            try await M0009RecordPartitions().prepare(on: app.db)   // again: nothing changes
            #expect(try await M0009RecordPartitions.isPartitioned(sql))
            #expect(try await rows() == before)
            #expect(try await partitions() == (try await Dataset.query(on: app.db).count()))
            // Each record sits in its own dataset's partition.
            for d in try await Dataset.query(on: app.db).all() {
                let name = M0009RecordPartitions.partition(of: try d.requireID())
                let n = try await sql.raw("SELECT count(*)::int AS n FROM \(unsafeRaw: name)").first(decoding: Count.self)?.n
                #expect(n == before.filter { $0.dataset_id == d.id }.count)
            }
        }
    }

    @Test("The import's field-by-field plan gives the same values, JSON and search text as the full functions")
    func importPlanAgrees() throws {
        let schema = DatasetSchema(fields: [
            FieldDefinition(key: "code", type: .text), FieldDefinition(key: "owner", type: .text),
            FieldDefinition(key: "households", type: .integer), FieldDefinition(key: "income", type: .decimal),
            FieldDefinition(key: "zone", type: .choice, choices: ["ก", "ข"]), FieldDefinition(key: "surveyed", type: .date),
            FieldDefinition(key: "note", type: .longText),
        ])
        let mapping: [String?] = ["code", "owner", "households", "income", "zone", "surveyed", "note"]
        let plan = try #require(ImportService.FastPlan(schema: schema, mapping: mapping))
        let rows: [[String]] = [
            ["R0000001", "บุญมี ชัยมงคล", "4", "14840.41", "ก", "2021-02-22", "108/1 หมู่ 10, ถนนมิตรภาพ"],
            ["R2", "Mr. \"Quoted\" Back\\slash", "๑๒", "1,234.50", "ข", "๑๕/๖/๒๕๖๗", "line\nbreak"],
            ["R3", " spaced  out ", "-0", "0.10", "ก", "15 มี.ค. 2569", ""],
            ["R4", "ABC", "1000000", "99999999.99", "ข", "2024-01-01", "e\u{301}"],
            ["R5", "อื่น ๆ", "7", "-0.00", "ก", "2024-02-29", "ฯลฯ"],
            ["R6", "ๆ ๆ", "0", "000123.4500", "ข", "2024-03-01", "ๆ"],
            // The same text in two orders of its marks (canonically equivalent, other bytes):
            // each row keeps its own bytes, though the second is looked up in the same cache.
            ["R7", "ก\u{0E48}\u{0E38}", "1", "1", "ก", "2024-03-02", "x"],
            ["R8", "ก\u{0E38}\u{0E48}", "1", "1", "ก", "2024-03-02", "x"],
        ]
        var cache = ImportService.FieldCaches()
        let prepared = rows.enumerated().map { i, cells in plan.prepare(i + 2, cells, &cache) }
        #expect(prepared.allSatisfy { $0.errors.isEmpty })
        #expect(ImportService.agrees(prepared[...], mapping: mapping, validator: RecordValidator(schema: schema), schema: schema))
        // The quick JSON is really the one used for plain values.
        #expect(ImportService.FastPlan.quickJSON(.decimal(Decimal(string: "14840.41")!)) == "14840.41")
        #expect(ImportService.FastPlan.quickJSON(.text("a\"b")) == nil)
        // The typed columns' texts made by the plan are the ones ValueColumns would make.
        let active = schema.activeFields
        for p in prepared {
            #expect(p.columnTexts == active.map { ValueColumns.copyText($0, p.values[$0.key]) })
        }
        for _ in 0..<100 {
            let id = UUID.timeOrdered()
            #expect(PostgresCopy.hex(id) == id.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
            var line = PostgresCopy.Line()
            line.field("x"); line.field(id: id); line.end()
            #expect(line.buffer.getString(at: 0, length: line.buffer.readableBytes) == "x\t\(PostgresCopy.hex(id))\n")
        }
        // An import's ids: version 7, RFC variant, each sorting after the one before, all distinct.
        var ids = TimeOrderedIDs()
        let run = (0..<10_000).map { _ in PostgresCopy.hex(ids.next()) }
        #expect(run == run.sorted() && Set(run).count == run.count)
        #expect(run.allSatisfy { $0[$0.index($0.startIndex, offsetBy: 12)] == "7" && "89ab".contains($0[$0.index($0.startIndex, offsetBy: 16)]) })
    }

    @Test("A record written against fields that were just changed is refused with 409, and nothing is written", arguments: Engine.available)
    func staleFields(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "notes", "title": {"th": "บันทึก", "en": "Notes"}, "fields": [{"key": "name", "type": "text"}]}"#)
            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let service = DatasetService(scope: TenantScope(tenantID: try tenant.requireID(), db: app.db), actor: "test")
            let stale = try await service.dataset("notes")
            let kept = try await service.createRecord(stale, .text(["name": "ก่อน"]))
            let renamed = try await API.send(api, .PUT, "/api/v1/t/nongki/datasets/notes/fields", json: #"{"fields": [{"key": "title", "type": "text"}], "renames": {"name": "title"}}"#)
            #expect(renamed.status == .ok, "\(renamed.body)")
            for write in [{ _ = try await service.createRecord(stale, .text(["name": "หลัง"])) },
                          { _ = try await service.updateRecord(stale, kept, .text(["name": "แก้"])) }] as [@Sendable () async throws -> Void] {
                do {
                    try await write()
                    Issue.record("a write with the old fields went through")
                } catch let error as AppError {
                    #expect(error.status == .conflict && !error.message.th.isEmpty)
                }
            }
            let records = try API.json(try await api.get("/api/v1/t/nongki/datasets/notes/records"))
            #expect(records["total"] as? Int == 1)
            #expect(((records["items"] as? [[String: Any]])?.first?["values"] as? [String: Any])?["title"] as? String == "ก่อน")
            let groups = try API.json(try await api.get("/api/v1/t/nongki/datasets/notes/aggregate?group=title"))["items"] as? [[String: Any]]
            #expect(groups?.count == 1 && groups?.first?["group"] as? String == "ก่อน" && groups?.first?["count"] as? Int == 1)
        }
    }

    @Test("Purging the trash is the admin's, logged, and final", arguments: Engine.available)
    func purge(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.withToken(app, "nongki", .admin)
            let staff = try await Browser.withToken(app, "nongki", .staff)
            let base = "/api/v1/t/nongki/datasets/households"
            let first = try API.json(try await admin.get(base + "/records?limit=1"))
            let id = try #require(((first["items"] as? [[String: Any]])?.first)?["id"] as? String)
            #expect(try await API.send(admin, .DELETE, base + "/trash/\(id)", json: nil).status == .conflict)   // not in the trash yet
            #expect(try await API.send(admin, .DELETE, base + "/records/\(id)", json: nil).status == .noContent)
            #expect(try await API.send(staff, .DELETE, base + "/trash/\(id)", json: nil).status == .forbidden)
            #expect(try await API.send(admin, .DELETE, base + "/trash/\(id)", json: nil).status == .noContent)
            #expect(try await admin.get(base + "/records/\(id)/history").status == .notFound)
            #expect(try API.json(try await admin.get(base + "/trash"))["total"] as? Int == 0)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "purge").count() == 1)

            // The same on the trash page: the admin has a button, staff neither the button nor the route.
            let second = try #require(((try API.json(try await admin.get(base + "/records?limit=1"))["items"] as? [[String: Any]])?.first)?["id"] as? String)
            #expect(try await API.send(admin, .DELETE, base + "/records/\(second)", json: nil).status == .noContent)
            let adminPage = try await Browser.signedIn(app, "nongki", .admin)
            let staffPage = try await Browser.signedIn(app, "nongki", .staff)
            let purgePath = "/t/nongki/datasets/households/trash/\(second.lowercased())/purge"
            #expect(try await adminPage.get("/t/nongki/datasets/households/trash").body.contains("ลบถาวร"))
            let staffTrash = try await staffPage.get("/t/nongki/datasets/households/trash")
            #expect(staffTrash.status == .ok && !staffTrash.body.contains("ลบถาวร"))
            #expect(try await staffPage.post(purgePath, []).status == .forbidden)
            let purged = try await adminPage.post(purgePath, [])
            #expect(purged.status == .seeOther && purged.headers.first(name: .location)?.contains("notice=purged") == true)
            #expect(try await admin.get(base + "/records/\(second)/history").status == .notFound)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "purge").count() == 2)
        }
    }

    @Test("Renaming keeps values, removing archives them, a bad type change is refused with the records", arguments: Engine.available)
    func schemaChanges(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "shops", "title": {"th": "ร้าน", "en": "Shops"}, "fields": [{"key": "name", "type": "text"}, {"key": "staff", "type": "text"}, {"key": "note", "type": "text"}]}"#)
            let base = "/api/v1/t/nongki/datasets/shops"
            let a = try API.json(try await API.send(api, .POST, base + "/records", json: #"{"name": "ร้าน ก", "staff": "๓", "note": "เปิดทุกวัน"}"#))
            let b = try API.json(try await API.send(api, .POST, base + "/records", json: #"{"name": "ร้าน ข", "staff": "สองคน"}"#))
            let aID = try #require(a["id"] as? String), bID = try #require(b["id"] as? String)

            // staff: text → integer fails for "สองคน"; the refusal names that record and changes nothing.
            let refused = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "name", "type": "text"}, {"key": "staff", "type": "integer"}, {"key": "note", "type": "text"}]}"#)
            #expect(refused.status == .conflict)
            let blocked = (try API.json(refused)["records"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.map { $0.lowercased() }
            #expect(blocked == [bID.lowercased()])
            #expect(((try API.json(try await api.get(base + "/records/\(aID)"))["values"]) as? [String: Any])?["staff"] as? String == "๓")

            // Rename name → shop_name and drop note: values move, note is archived with its value.
            let renamed = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "shop_name", "type": "text"}, {"key": "staff", "type": "text"}], "renames": {"name": "shop_name"}}"#)
            #expect(renamed.status == .ok, "\(renamed.body)")
            let fields = (try API.json(renamed)["fields"] as? [[String: Any]]) ?? []
            #expect(fields.first { $0["key"] as? String == "note" }?["archived"] as? Bool == true)
            let after = try API.json(try await api.get(base + "/records/\(aID)"))["values"] as? [String: Any]
            #expect(after?["shop_name"] as? String == "ร้าน ก")
            #expect(after?["name"] == nil)
            #expect(after?["note"] as? String == "เปิดทุกวัน")   // archived, kept
            // Listing the archived field again brings it back with its value.
            let back = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "shop_name", "type": "text"}, {"key": "staff", "type": "text"}, {"key": "note", "type": "text"}]}"#)
            #expect(back.status == .ok)
            let history = try API.json(try await api.get(base + "/records/\(aID)/history"))
            #expect((history["items"] as? [[String: Any]])?.last?["action"] as? String == "schema-change")
        }
    }

    @Test("Village fields are read by number or name in imports, records and filters, and exported by name", arguments: Engine.available)
    func villagesByName(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let base = "/api/v1/t/nongki/datasets/water-points"
            let csv = "ชื่อ,ประเภท,หมู่บ้าน/ชุมชน\nทดสอบ ก,บ่อบาดาล,หมู่ที่ 2\nทดสอบ ข,บ่อบาดาล,บ้านโคกสะอาด\nทดสอบ ค,สระน้ำ,๒\nทดสอบ ง,สระน้ำ,ชุมชนตลาดหนองกี่\nทดสอบ จ,สระน้ำ,หมู่ 9\n"
            let imported = try await API.send(api, .POST, base + "/import?mode=valid_rows", body: ByteBuffer(string: csv), type: "text/csv")
            let result = try API.json(imported)
            #expect(result["imported"] as? Int == 4, "\(imported.body)")
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1 && rejected.first?["row"] as? Int == 6 && rejected.first?["column"] as? String == "village")

            let created = try await API.send(api, .POST, base + "/records", json: #"{"name": "ทดสอบ ฉ", "kind": "บ่อบาดาล", "village": "Moo 2"}"#)
            #expect(created.status == .created, "\(created.body)")
            let moo2 = try #require((try API.json(created)["values"] as? [String: Any])?["village"] as? String)
            // Filtering by the village's name or number finds the same records.
            func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
            for filter in ["หมู่ที่ 2", "๒", "บ้านโคกสะอาด", moo2] {
                let page = try API.json(try await api.get(base + "/records?limit=100&q=\(encoded("ทดสอบ"))&village=\(encoded(filter))"))
                #expect(page["total"] as? Int == 4, "\(filter)")
            }
            // The CSV names the village, and that file imports back.
            let export = try await api.get(base + "/export?format=csv&q=\(encoded("ทดสอบ"))&village=\(moo2)")
            #expect(export.body.contains("หมู่ที่ 2 บ้านโคกสะอาด"), "\(export.body.prefix(300))")
            #expect(!export.body.lowercased().contains(moo2.lowercased()))
        }
    }

    @Test("Search by an ID or phone as written, by several words; filters on a multiple choice and on a date-time's day; pages keep the sort", arguments: Engine.available)
    func searchAndFilters(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "requests", "title": {"th": "คำร้อง", "en": "Requests"}, "fields": [{"key": "name", "type": "text"}, {"key": "citizen_id", "type": "thai_id"}, {"key": "phone", "type": "phone"}, {"key": "needs", "type": "multi_choice", "choices": ["น้ำ", "ถนน", "ไฟฟ้า"]}, {"key": "filed_at", "type": "datetime"}]}"#)
            let base = "/api/v1/t/nongki/datasets/requests"
            for body in [#"{"name": "นางสาวมาลี ทองดี", "citizen_id": "1101700123456", "phone": "0812345678", "needs": ["น้ำ", "ถนน"], "filed_at": "2026-03-15T23:30:00+07:00"}"#,
                         #"{"name": "นายสมชาย ใจดี", "phone": "0899999999", "needs": ["ถนน"], "filed_at": "2026-03-16T00:10:00+07:00"}"#,
                         #"{"name": "นางมาลัย ทองคำ", "needs": ["ไฟฟ้า"], "filed_at": "2026-03-15T08:00:00+07:00"}"#] {
                let made = try await API.send(api, .POST, base + "/records", json: body)
                #expect(made.status == .created, "\(made.body)")
            }
            func total(_ query: String) async throws -> Int? {
                try API.json(try await api.get(base + "/records?" + query))["total"] as? Int
            }
            func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
            #expect(try await total("q=" + q("1-1017-00123-45-6")) == 1)      // as printed on the card
            #expect(try await total("q=" + q("081-234-5678")) == 1)
            #expect(try await total("q=" + q("๐๘๑-๒๓๔")) == 1)
            #expect(try await total("q=" + q("นางสาว มาลี")) == 1)           // words in any spacing
            #expect(try await total("q=" + q("ทอง มา")) == 2)
            #expect(try await total("needs=" + q("ถนน")) == 2)                // holds ถนน, among others
            #expect(try await total("needs=" + q("น้ำ")) == 1)
            #expect(try await total("filed_at=2026-03-15") == 2)               // the whole day, Bangkok time
            #expect(try await total("filed_at=" + q("15/03/2569")) == 2)
            #expect(try await total("filed_at=" + q("2026-03-15T08:00:00+07:00")) == 1)

            // The edit form shows a date-time in the Buddhist era, and saving it unchanged keeps it.
            let editor = try await Browser.signedIn(app, "nongki", .admin)
            let listed = try API.json(try await api.get(base + "/records?q=" + q("สมชาย")))
            let somchai = try #require(((listed["items"] as? [[String: Any]])?.first)?["id"] as? String)
            let form = try await editor.get("/t/nongki/datasets/requests/records/\(somchai.lowercased())")
            #expect(form.body.contains(#"value="16/3/2569 00:10""#), "\(form.body.count)")
            let saved = try await editor.post("/t/nongki/datasets/requests/records/\(somchai.lowercased())",
                                              [("v[name]", "นายสมชาย ใจดี"), ("v[phone]", "0899999999"), ("v[needs]", "ถนน"), ("v[filed_at]", "16/3/2569 00:10")])
            #expect(saved.status == .seeOther, "\(saved.body.suffix(400))")
            let after = try API.json(try await api.get(base + "/records/\(somchai)"))["values"] as? [String: Any]
            #expect(after?["filed_at"] as? String == "2026-03-16T00:10:00+07:00")

            // The browse page: the next page keeps the sort and the search.
            let page = try await Browser.signedIn(app, "nongki", .admin)
            let first = try await page.get("/t/nongki/datasets/households?sort=house_no&order=desc")
            let next = try #require(first.body.range(of: #"id="next-page" href="[^"]*""#, options: .regularExpression).map { String(first.body[$0]) })
            #expect(next.contains("sort=house_no") && next.contains("order=desc") && next.contains("offset=50"), "\(next)")
        }
    }

    @Test("The trash page puts the dataset back to a second, or to just before an import, and says how many records changed", arguments: Engine.available)
    func restoreFromThePage(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            try await CityDatabaseAPITests.importWells(api, 2)                  // บ่อ 1, บ่อ 2
            let wells = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "wells").first())
            try await Task.sleep(for: .milliseconds(20))
            // An import job that started now and added two more wells.
            let job = DatasetJob()
            job.id = UUID(); job.tenantID = wells.tenantID; job.datasetID = try wells.requireID(); job.kind = "import"; job.status = "done"
            job.progress = 1; job.actor = "admin"; job.createdAt = Date(); job.resultJSON = #"{"imported": 2, "updated": 0, "rejected": []}"#
            try await job.create(on: app.db)
            try await Task.sleep(for: .milliseconds(20))
            for name in ["บ่อ 3", "บ่อ 4"] {
                #expect(try await API.send(api, .POST, "/api/v1/t/nongki/datasets/wells/records", json: #"{"name": "\#(name)"}"#).status == .created)
            }
            let page = try await Browser.signedIn(app, "nongki", .admin)
            let trash = try await page.get("/t/nongki/datasets/wells/trash")
            let at = try #require(trash.body.range(of: #"name="at" value="[^"]+""#, options: .regularExpression).map { String(trash.body[$0].dropFirst(17).dropLast()) })
            #expect(trash.body.contains("ใหม่ 2 · ปรับปรุง 0"))
            let undone = try await page.post("/t/nongki/datasets/wells/restore", [("at", at)])
            #expect(undone.status == .seeOther && undone.headers.first(name: .location)?.hasSuffix("notice=restored&n=2") == true, "\(undone.headers)")
            let left = try API.json(try await api.get("/api/v1/t/nongki/datasets/wells/records"))
            #expect(left["total"] as? Int == 2)
            // A time with seconds is read; a malformed one is refused in both languages.
            #expect(try await page.post("/t/nongki/datasets/wells/restore", [("day", "1/1/2569"), ("time", "08:15:30")]).status == .seeOther)
            let bad = try await page.post("/t/nongki/datasets/wells/restore", [("day", "1/1/2569"), ("time", "08:61")])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("ชั่วโมง:นาที:วินาที"))
        }
    }

    @Test("The record form offers a multiple choice as boxes to tick and a reference as the target's records by name", arguments: Engine.available)
    func choiceAndReferenceInputs(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "shops", "title": {"th": "ร้าน", "en": "Shops"}, "fields": [{"key": "name", "type": "text"}]}"#)
            let shop = try #require(try API.json(try await API.send(api, .POST, "/api/v1/t/nongki/datasets/shops/records", json: #"{"name": "ร้านป้าแดง"}"#))["id"] as? String)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "visits", "title": {"th": "เยี่ยม", "en": "Visits"}, "fields": [{"key": "note", "type": "text"}, {"key": "needs", "type": "multi_choice", "choices": ["น้ำ", "ถนน", "ไฟฟ้า"]}, {"key": "shop", "type": "reference", "reference": "shops"}]}"#)
            let page = try await Browser.signedIn(app, "nongki", .admin)
            let form = try await page.get("/t/nongki/datasets/visits")
            #expect(form.body.contains(#"name="mc[needs][1]" value="ถนน""#))
            #expect(form.body.contains(#"<option value="\#(shop)">ร้านป้าแดง</option>"#), "\(form.body.count)")
            let made = try await page.post("/t/nongki/datasets/visits/records", [("v[note]", "ครั้งแรก"), ("v[needs]", ""), ("mc[needs][2]", "ไฟฟ้า"), ("mc[needs][0]", "น้ำ"), ("v[shop]", shop)])
            #expect(made.status == .seeOther, "\(made.body.suffix(300))")
            let visit = try #require(((try API.json(try await api.get("/api/v1/t/nongki/datasets/visits/records"))["items"] as? [[String: Any]])?.first))
            let values = visit["values"] as? [String: Any]
            #expect(values?["needs"] as? [String] == ["น้ำ", "ไฟฟ้า"])
            #expect((values?["shop"] as? String)?.lowercased() == shop.lowercased())
            // Nothing ticked clears the field.
            let id = try #require(visit["id"] as? String).lowercased()
            #expect(try await page.post("/t/nongki/datasets/visits/records/\(id)", [("v[note]", "ครั้งแรก"), ("v[needs]", ""), ("v[shop]", shop)]).status == .seeOther)
            let after = try API.json(try await api.get("/api/v1/t/nongki/datasets/visits/records/\(id)"))["values"] as? [String: Any]
            #expect(after?["needs"] == nil || (after?["needs"] as? [String])?.isEmpty == true)
        }
    }

    @Test("A dataset's title, description and division can be changed after it is made; staff only within their divisions", arguments: Engine.available)
    func changeDetails(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let tid = try tenant.requireID()
            let divisions = try await Division.query(on: app.db).filter(\.$tenantID == tid).all()
            // Staff may not hand their dataset to a division that is not theirs.
            let staffUser = try #require(try await User.query(on: app.db).filter(\.$tenantID == tid).filter(\.$username == "staff").first())
            let staffDivisions = try await UserDivision.query(on: app.db).filter(\.$userID == staffUser.requireID()).all().map(\.divisionID)
            let notTheirs = try #require(divisions.first { !staffDivisions.contains($0.id!) })
            let own = try #require(try await Dataset.query(on: app.db).filter(\.$tenantID == tid).all().first { staffDivisions.contains($0.divisionID ?? UUID()) })
            let staff = try await Browser.signedIn(app, "nongki", .staff)
            #expect(try await staff.post("/t/nongki/datasets/\(own.slug)/details", [("titleTH", "x"), ("division", notTheirs.slug)]).status == .forbidden)
            #expect(try await Dataset.find(own.id, on: app.db)?.titleTH == own.titleTH)

            // The admin changes all of it.
            let admin = try await Browser.signedIn(app, "nongki", .admin)
            #expect(try await admin.get("/t/nongki/datasets/\(own.slug)/fields").body.contains(#"id="details-form""#))
            let saved = try await admin.post("/t/nongki/datasets/\(own.slug)/details", [("titleTH", "ทะเบียนใหม่ 2569"), ("titleEN", "New register 2026"), ("description", "สำรวจใหม่"), ("division", notTheirs.slug)])
            #expect(saved.status == .seeOther)
            let d = try #require(try await Dataset.find(own.id, on: app.db))
            #expect(d.titleTH == "ทะเบียนใหม่ 2569" && d.titleEN == "New register 2026" && d.descriptionText == "สำรวจใหม่" && d.divisionID == notTheirs.id)
            #expect(try await admin.post("/t/nongki/datasets/\(own.slug)/details", [("titleTH", "  "), ("division", notTheirs.slug)]).status == .unprocessableEntity)
        }
    }

    @Test("A version saved before a rename and a type change is restored under the field's present key and type", arguments: Engine.available)
    func restoreAcrossRename(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "homes", "title": {"th": "บ้าน", "en": "Homes"}, "fields": [{"key": "house_no", "type": "text"}, {"key": "members", "type": "integer"}]}"#)
            let base = "/api/v1/t/nongki/datasets/homes"
            let id = try #require(try API.json(try await API.send(api, .POST, base + "/records", json: #"{"house_no": "12/3", "members": 5}"#))["id"] as? String)
            let v1 = Date()
            try await Task.sleep(for: .milliseconds(1100))
            // members → member_count, then integer → decimal; then an edit.
            let renamed = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "house_no", "type": "text"}, {"key": "member_count", "type": "integer"}], "renames": {"members": "member_count"}}"#)
            #expect(renamed.status == .ok, "\(renamed.body)")
            #expect(((try API.json(renamed)["fields"] as? [[String: Any]])?.first { $0["key"] as? String == "member_count" }?["former_keys"] as? [String]) == ["members"])
            let retyped = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "house_no", "type": "text"}, {"key": "member_count", "type": "decimal"}]}"#)
            #expect(retyped.status == .ok, "\(retyped.body)")
            _ = try await API.send(api, .PATCH, base + "/records/\(id)", json: #"{"member_count": 7}"#)

            // Version 1 holds {"members": 5}: it comes back as member_count 5, nothing under the old key.
            let restored = try await API.send(api, .POST, base + "/records/\(id)/restore?version=1", json: "{}")
            #expect(restored.status == .ok, "\(restored.body)")
            let values = try #require(try API.json(restored)["values"] as? [String: Any])
            #expect((values["member_count"] as? NSNumber)?.doubleValue == 5)
            #expect(values["members"] == nil)
            // The history reads every version under the present keys.
            let history = try API.json(try await api.get(base + "/records/\(id)/history"))
            let first = (history["items"] as? [[String: Any]])?.first?["values"] as? [String: Any]
            #expect((first?["member_count"] as? NSNumber)?.doubleValue == 5 && first?["members"] == nil)

            // The whole dataset as it was before the rename: the same.
            _ = try await API.send(api, .PATCH, base + "/records/\(id)", json: #"{"member_count": 9}"#)
            let at = ISO8601DateFormatter().string(from: v1.addingTimeInterval(1))   // whole seconds: after v1, before the rename
            let back = try await API.send(api, .POST, base + "/restore?at=\(at)", json: "{}")
            #expect(back.status == .ok, "\(back.body)")
            let now = try API.json(try await api.get(base + "/records/\(id)"))["values"] as? [String: Any]
            #expect((now?["member_count"] as? NSNumber)?.doubleValue == 5 && now?["members"] == nil)

            // A new field may not take the old key: old versions would read into it.
            let reuse = try await API.send(api, .PUT, base + "/fields", json: #"{"fields": [{"key": "house_no", "type": "text"}, {"key": "member_count", "type": "decimal"}, {"key": "members", "type": "text"}]}"#)
            #expect(reuse.status == .unprocessableEntity, "\(reuse.body)")
            #expect(try API.json(reuse).description.contains("members"))
        }
    }

    @Test("The recovery workbench rebuilds a register from three overlapping copies", arguments: Engine.available)
    func recovery(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "lahansai", .admin)
            // 2564: ID and name; 2565: other column names, honorifics, Thai digits; 2566: one conflicting phone and a newcomer.
            let body = """
            {"fields": [{"key": "citizen_id", "type": "thai_id", "label": {"th": "เลขประจำตัวประชาชน", "en": "National ID"}},
                        {"key": "name", "type": "text", "label": {"th": "ชื่อ-สกุล", "en": "Name"}},
                        {"key": "phone", "type": "phone", "label": {"th": "โทรศัพท์", "en": "Phone"}}],
             "keys": [{"type": "national_id", "field": "citizen_id"}, {"type": "name", "fields": ["name"]}],
             "sources": [
               {"name": "ทะเบียน 2564", "date": "31/12/2564", "csv": "citizen_id,name\\n1103702021334,สมหมาย ใจงาม\\n3100600123450,บุญเรือน ศรีสุข\\n"},
               {"name": "ทะเบียน 2565", "date": "31/12/2565", "csv": "ชื่อ-สกุล,โทรศัพท์\\nนายสมหมาย  ใจงาม,๐๘๑๒๓๔๕๖๗๘\\nนางบุญเรือน ศรีสุข,0891112222\\n"},
               {"name": "ทะเบียน 2566", "date": "31/12/2566", "csv": "เลขประจำตัวประชาชน,ชื่อ-สกุล,โทรศัพท์\\n1103702021334,สมหมาย ใจงาม,0819999999\\n1101700000010,แก้ว ใหม่,\\n"}],
             "write": {"slug": "recovered-elderly", "title": {"th": "ทะเบียนกู้คืน", "en": "Recovered register"}}}
            """
            let response = try await API.send(api, .POST, "/api/v1/t/lahansai/recovery", json: body)
            #expect(response.status == .ok, "\(response.body)")
            let out = try API.json(response)
            let records = try #require(out["records"] as? [[String: Any]])
            #expect(records.count == 3)            // สมหมาย, บุญเรือน, แก้ว (unmatched, kept)
            #expect(out["conflicts"] as? Int == 1)  // สมหมาย's phone differs between 2565 and 2566
            let written = try API.json(try await api.get("/api/v1/t/lahansai/datasets/recovered-elderly/records?limit=10"))
            #expect(written["total"] as? Int == 3)
            let somchai = (written["items"] as? [[String: Any]])?.compactMap { $0["values"] as? [String: Any] }.first { $0["citizen_id"] as? String == "1103702021334" }
            #expect(somchai?["phone"] as? String == "0819999999")           // the most recent copy wins
            #expect((somchai?["recovered_from"] as? String)?.contains("ทะเบียน 2566") == true)
            let bunruean = (written["items"] as? [[String: Any]])?.compactMap { $0["values"] as? [String: Any] }.first { ($0["name"] as? String)?.contains("บุญเรือน") == true }
            #expect(bunruean?["phone"] as? String == "0891112222")
            #expect(bunruean?["citizen_id"] as? String == "3100600123450")
        }
    }

    // MARK: Recovery: suggested mapping, normalised values, errors, the pages

    /// The three copies of the browser audit: Thai headers, other Thai headers with Thai digits,
    /// English headers with a phone.
    static let recoveryCopies = [
        "เลขบัตร,ชื่อ-สกุล,บ้านเลขที่,หมู่\n1103702021334,นายสมหมาย ใจงาม,12/3,3\n3100600123450,นางบุญเรือน ศรีสุข,45,หมู่ 3\n",
        "เลขประจำตัวประชาชน,ชื่อ,เลขที่บ้าน\n๑๑๐๓๗๐๒๐๒๑๓๓๔,นาย สมหมาย  ใจงาม,๑๒/๓\n๓๑๐๐๖๐๐๑๒๓๔๕๐,นางสาวบุญเรือน ศรีสุข,๔๕\n",
        "national_id,name,house_no,moo,phone\n1-1037-02021-33-4,สมหมาย  ใจงาม,๑๒/๓,๓,081-234-5678\n,แก้ว ใหม่,9,3,123\n",
    ]

    static func records(_ api: Browser, _ tenant: String, _ slug: String) async throws -> [[String: Any]] {
        let page = try API.json(try await api.get("/api/v1/t/\(tenant)/datasets/\(slug)/records?limit=50"))
        return (page["items"] as? [[String: Any]] ?? []).compactMap { $0["values"] as? [String: Any] }
    }

    @Test("The recovery API maps differently named columns itself and writes normalised values with Thai source notes", arguments: Engine.available)
    func recoverySuggestsTheMapping(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "lahansai", .admin)
            func json(_ s: String) -> String { String(decoding: try! JSONEncoder().encode(s), as: UTF8.self) }
            let c = Self.recoveryCopies
            let body = """
            {"sources": [{"name": "ทะเบียน 2564", "date": "31/12/2564", "csv": \(json(c[0]))},
                         {"name": "ทะเบียน 2565", "date": "31/12/2565", "csv": \(json(c[1]))},
                         {"name": "ทะเบียน 2566", "date": "31/12/2566", "csv": \(json(c[2]))}],
             "write": {"slug": "recovered-auto", "title": {"th": "ทะเบียนกู้คืน", "en": "Recovered"}, "division": "welfare"}}
            """
            let response = try await API.send(api, .POST, "/api/v1/t/lahansai/recovery", json: body)
            #expect(response.status == .ok, "\(response.body)")
            let out = try API.json(response)
            #expect((out["fields"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["national_id", "name", "house_no", "village", "phone"])
            #expect((out["fields"] as? [[String: Any]])?.compactMap { $0["type"] as? String } == ["thai_id", "text", "text", "text", "phone"])
            #expect((out["keys"] as? [[String: Any]])?.compactMap { $0["type"] as? String } == ["national_id", "name"])
            let records = try #require(out["records"] as? [[String: Any]])
            #expect(records.map { ($0["rows"] as? [Any])?.count ?? 0 } == [3, 2, 1])   // สมหมาย, บุญเรือน, แก้ว (kept)
            #expect(out["conflicts"] as? Int == 0)
            #expect(out["differences"] as? Int == 2)       // นาย/no title; นาง/นางสาว, หมู่ 3/3
            #expect(out["set_aside"] as? Int == 1)         // แก้ว's phone "123"
            let written = try await Self.records(api, "lahansai", "recovered-auto")
            #expect(written.count == 3)
            let somchai = try #require(written.first { $0["national_id"] as? String == "1103702021334" })
            #expect(somchai["name"] as? String == "สมหมาย ใจงาม")       // the newest, its double space gone
            #expect(somchai["house_no"] as? String == "12/3")           // ๑๒/๓
            #expect(somchai["village"] as? String == "3")               // ๓
            #expect(somchai["phone"] as? String == "0812345678")
            #expect(somchai["recovered_from"] as? String == "ทะเบียน 2566 แถว 2: เลขประจำตัวประชาชน, ชื่อ-สกุล, บ้านเลขที่, หมู่ที่, โทรศัพท์")
            let bunruean = try #require(written.first { $0["national_id"] as? String == "3100600123450" })
            #expect(bunruean["name"] as? String == "นางสาวบุญเรือน ศรีสุข")
            #expect(bunruean["house_no"] as? String == "45")
            #expect(bunruean["village"] as? String == "หมู่ 3")
            let kaew = try #require(written.first { ($0["name"] as? String) == "แก้ว ใหม่" })
            #expect(kaew["phone"] == nil)
            #expect((kaew["recovered_from"] as? String)?.hasSuffix("ค่าที่ใช้ไม่ได้: โทรศัพท์ “123” (ทะเบียน 2566 แถว 3)") == true)
            let dataset = try API.json(try await api.get("/api/v1/t/lahansai/datasets/recovered-auto"))
            #expect(dataset["division"] as? String == "welfare")
        }
    }

    @Test("A recovery that cannot be written says why in Thai and English with a 4xx and writes nothing", arguments: Engine.available)
    func recoveryErrorsWriteNothing(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let staff = try await Browser.withToken(app, "lahansai", .staff)
            func send(_ extra: String, fields: String = "", target: String) async throws -> Browser.Page {
                try await API.send(staff, .POST, "/api/v1/t/lahansai/recovery", json: """
                {\(fields)"sources": [{"name": "a", "date": "2566-01-01", "rows": [{"name": "สมชาย ใจดี", "phone": "0812345678"}]},
                             {"name": "b", "date": "2567-01-01", "rows": [{"name": "นายสมชาย ใจดี"}, {"phone": "0899999999"}]}],
                 \(extra)"write": \(target)}
                """)
            }
            func expectError(_ page: Browser.Page, _ status: HTTPResponseStatus, _ th: String) throws {
                #expect(page.status == status, "\(page.body)")
                let error = try API.json(page)["error"] as? [String: Any]
                #expect((error?["th"] as? String)?.contains(th) == true, "\(page.body)")
                #expect((error?["en"] as? String)?.isEmpty == false)
            }
            func exists(_ slug: String) async throws -> Bool {
                try await Dataset.query(on: app.db).filter(\.$slug == slug).first() != nil
            }
            // A required field one record lacks: nothing is written.
            let required = #""fields": [{"key": "name", "type": "text", "required": true}, {"key": "phone", "type": "phone"}], "#
            try expectError(try await send("", fields: required, target: #"{"slug": "recovered-x", "title": {"th": "ก", "en": "A"}, "division": "health"}"#),
                            .unprocessableEntity, "ยังบันทึกไม่ได้ 1 ระเบียน")
            #expect(try await !exists("recovered-x"))
            // Staff may not give the register to another division.
            try expectError(try await send("", target: #"{"slug": "recovered-x", "title": {"th": "ก", "en": "A"}, "division": "education"}"#),
                            .forbidden, "เลือกกองของคุณเอง")
            #expect(try await !exists("recovered-x"))
            // Staff of two divisions must say which.
            try expectError(try await send("", target: #"{"slug": "recovered-x", "title": {"th": "ก", "en": "A"}}"#),
                            .unprocessableEntity, "เลือกกองเจ้าของ")
            // A taken slug; a key naming no field.
            try expectError(try await send("", target: #"{"slug": "households", "title": {"th": "ก", "en": "A"}, "division": "health"}"#),
                            .conflict, "มีชุดข้อมูล households แล้ว")
            try expectError(try await send(#""keys": [{"type": "national_id", "field": "pid"}], "#, target: #"{"slug": "recovered-x", "title": {"th": "ก", "en": "A"}, "division": "health"}"#),
                            .unprocessableEntity, "“pid”")
            #expect(try await !exists("recovered-x"))
            // And the same request with the staff's own division works; the suggestion matched by name.
            let ok = try await send("", target: #"{"slug": "recovered-x", "title": {"th": "ก", "en": "A"}, "division": "health"}"#)
            #expect(ok.status == .ok, "\(ok.body)")
            #expect((try API.json(ok)["records"] as? [Any])?.count == 2)
        }
    }

    // MARK: The pages

    /// The fields a browser would send for the form `id` on `html`: inputs (checked ones for
    /// radios and checkboxes) and the selected option of each select.
    static func formFields(_ html: String, form id: String) -> [(String, String)] {
        guard let start = html.range(of: "id=\"\(id)\""), let end = html.range(of: "</form>", range: start.upperBound..<html.endIndex) else { return [] }
        let form = String(html[start.upperBound..<end.lowerBound])
        func attribute(_ tag: String, _ name: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            let rest = tag[r.upperBound...]
            return rest.firstIndex(of: "\"").map { unescape(String(rest[..<$0])) }
        }
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
        var out: [(String, String)] = []
        let tags = try! NSRegularExpression(pattern: "<input\\b[^>]*>|<select\\b[^>]*>.*?</select>", options: [.dotMatchesLineSeparators])
        for m in tags.matches(in: form, range: NSRange(form.startIndex..., in: form)) {
            let tag = String(form[Range(m.range, in: form)!])
            guard let name = attribute(tag, "name") else { continue }
            if tag.hasPrefix("<select") {
                let options = try! NSRegularExpression(pattern: "<option value=\"([^\"]*)\"( selected)?", options: [])
                let all = options.matches(in: tag, range: NSRange(tag.startIndex..., in: tag))
                let chosen = all.first { $0.range(at: 2).location != NSNotFound } ?? all.first
                out.append((name, chosen.map { unescape(String(tag[Range($0.range(at: 1), in: tag)!])) } ?? ""))
            } else {
                let type = attribute(tag, "type") ?? "text"
                if type == "radio" || type == "checkbox" { if tag.contains(" checked") { out.append((name, attribute(tag, "value") ?? "on")) } }
                else if type != "submit" && type != "file" { out.append((name, attribute(tag, "value") ?? "")) }
            }
        }
        return out
    }

    static func set(_ fields: inout [(String, String)], _ name: String, _ value: String) {
        fields.removeAll { $0.0 == name }
        fields.append((name, value))
    }

    static func value(_ fields: [(String, String)], _ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    @Test("The recovery pages map three differently named copies by themselves, keep the mapping on a mistake and let staff choose their division", arguments: Engine.available)
    func recoveryPages(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = try await Browser.signedIn(app, "lahansai", .staff)
            _ = try await b.get("/t/lahansai/recovery")
            // Copy 2 is TIS-620; copy 3 an XLSX file.
            let xlsx = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("recovery-\(UUID()).xlsx")
            defer { try? FileManager.default.removeItem(at: xlsx) }
            let writer = try XLSXWriter(url: xlsx)
            let lines = Self.recoveryCopies[2].split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            try writer.writeHeader(lines[0])
            for line in lines.dropFirst() { try writer.writeRow(line.map { $0.isEmpty ? .empty : .text($0) }) }
            try writer.finish()
            let files = [Data(Self.recoveryCopies[0].utf8), Data(try ThaiTextCodec.encodeWindows874(Self.recoveryCopies[1])), try Data(contentsOf: xlsx)]
            let boundary = "recoveryboundary"
            var body = Data()
            func part(_ name: String, _ filename: String? = nil, _ data: Data) {
                body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n\r\n".utf8))
                body.append(data)
                body.append(Data("\r\n".utf8))
            }
            part("_csrf", nil, Data((b.cookies["mueang_csrf"] ?? "").utf8))
            for (i, (year, ext)) in [("2564", "csv"), ("2565", "csv"), ("2566", "xlsx")].enumerated() {
                part("file\(i)", "copy-\(year).\(ext)", files[i])
                part("name\(i)", nil, Data("ทะเบียน \(year)".utf8))
                part("date\(i)", nil, Data("31/12/\(year)".utf8))
            }
            body.append(Data("--\(boundary)--\r\n".utf8))
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let mapping = try await b.request(.POST, "/t/lahansai/recovery/upload", headers: headers, body: ByteBuffer(data: body))
            #expect(mapping.status == .ok, "\(mapping.body)")
            var form = Self.formFields(mapping.body, form: "recovery-mapping")
            // One field per meaning, every column of every copy on it, keys suggested.
            #expect((0..<5).map { Self.value(form, "fkey\($0)") } == ["national_id", "name", "house_no", "village", "phone"])
            #expect(Self.value(form, "ftype0") == "thai_id")
            #expect(Self.value(form, "ftype4") == "phone")
            #expect(["map0_0", "map1_0", "map2_0"].map { Self.value(form, $0) } == ["0", "0", "0"])
            #expect(["map0_3", "map1_2", "map2_3"].map { Self.value(form, $0) } == ["3", "2", "3"])
            #expect(Self.value(form, "key_id") == "0" && Self.value(form, "key_name") == "1" && Self.value(form, "key_house") == "")

            // A mistake (no key) re-shows the mapping with the message, everything kept.
            var wrong = form
            Self.set(&wrong, "key_id", "")
            Self.set(&wrong, "key_name", "")
            Self.set(&wrong, "flabel4", "เบอร์มือถือ")
            Self.set(&wrong, "map2_4", "")
            let again = try await b.post("/t/lahansai/recovery/match", wrong)
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.contains("เลือกวิธีจับคู่แถวอย่างน้อยหนึ่งวิธี"))
            let kept = Self.formFields(again.body, form: "recovery-mapping")
            #expect(Self.value(kept, "flabel4") == "เบอร์มือถือ")
            #expect(Self.value(kept, "map2_4") == "")
            #expect(Self.value(kept, "map1_1") == "1")
            #expect(Self.value(kept, "upload2") == Self.value(form, "upload2"))
            // A field can be dropped: its columns are then ignored.
            Self.set(&form, "fdrop4", "1")
            let review = try await b.post("/t/lahansai/recovery/match", form)
            #expect(review.status == .ok, "\(review.body)")
            #expect(review.body.contains("id=\"recovered-count\">3<"))
            #expect(review.body.contains("id=\"matched-count\">2<"))
            #expect(!review.body.contains("data-field=\"phone\""))
            // Each matched record: rows = fields, columns = copies, the chosen value marked.
            let first = try #require(review.body.range(of: "id=\"record-0\"").map { String(review.body[$0.lowerBound...].prefix(while: { _ in true }).split(separator: "</section>")[0]) })
            #expect(first.contains("ทะเบียน 2564") && first.contains("ทะเบียน 2565") && first.contains("ทะเบียน 2566"))
            #expect(first.contains("นาย สมหมาย  ใจงาม"))                        // each copy's value as it gives it
            #expect(first.contains("<tr class=\"differs\" data-field=\"name\">"))
            #expect(first.contains("<span class=\"final-value\">สมหมาย ใจงาม</span>"))
            #expect(first.contains("value=\"source:ทะเบียน 2566\" checked"))

            // Choose the 2565 name, another division than the staff's own: refused, the page kept.
            var write = Self.formFields(review.body, form: "recovery-write")
            #expect(Self.value(write, "division") == "finance")             // their first division
            #expect(review.body.contains("value=\"health\""))
            #expect(!review.body.contains("value=\"education\""))            // only their own divisions are offered
            Self.set(&write, "choice_0_name", "source:ทะเบียน 2565")
            Self.set(&write, "slug", "recovered-pages")
            Self.set(&write, "division", "education")
            let refused = try await b.post("/t/lahansai/recovery/write", write)
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("เลือกกองของคุณเอง") && refused.body.contains("id=\"recovery-write\""))
            #expect(refused.body.contains("value=\"source:ทะเบียน 2565\" checked"))
            #expect(try await Dataset.query(on: app.db).filter(\.$slug == "recovered-pages").first() == nil)
            Self.set(&write, "division", "health")
            let saved = try await b.post("/t/lahansai/recovery/write", write)
            #expect(saved.status == .seeOther, "\(saved.body)")
            let d = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "recovered-pages").first())
            #expect(try await Division.find(d.divisionID, on: app.db)?.slug == "health")
            let api = try await Browser.withToken(app, "lahansai", .admin)
            let written = try await Self.records(api, "lahansai", "recovered-pages")
            #expect(written.count == 3)
            let somchai = try #require(written.first { $0["national_id"] as? String == "1103702021334" })
            #expect(somchai["name"] as? String == "นาย สมหมาย ใจงาม")
            #expect(somchai["phone"] == nil)
            #expect((somchai["recovered_from"] as? String)?.contains("ทะเบียน 2565 แถว 2: ชื่อ-สกุล") == true)
        }
    }
}
