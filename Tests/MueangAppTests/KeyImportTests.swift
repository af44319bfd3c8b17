import Foundation
import Testing
import Vapor
import Fluent
import SQLKit
import FluentSQLiteDriver
@testable import MueangApp
import Datasets
import Tabular

@Suite("Import by key: updates written in batches store what one row at a time stores", .serialized)
struct KeyImportTests {
    typealias API = CityDatabaseAPITests

    static let fields = #"[{"key": "code", "type": "text", "unique": true}, {"key": "name", "type": "text"}, {"key": "n", "type": "integer"}, {"key": "amount", "type": "decimal"}, {"key": "tag", "type": "text", "unique": true}, {"key": "day", "type": "date"}]"#

    /// The records every test starts from: imported in bulk (version 1, no version rows).
    static func seed(_ rows: Int) -> String {
        var text = "code,name,n,amount,tag,day\n"
        for i in 0..<rows { text += "C\(i),ชื่อ \(i) บ้านหนองกี่,\(i),\(i).5,T\(i),2024-01-\(String(format: "%02d", i % 28 + 1))\n" }
        return text
    }

    /// A key file that updates more records than one batch holds, with the cases where file
    /// order matters: a key twice (in one batch, across batches, a new key; the later row is
    /// refused), records with version rows of their own, a rejected row, unique clashes with
    /// another record and with a value an earlier row gave its record, a row that changes nothing.
    static func updates() -> String {
        var lines = ["code,n,tag,amount"]
        for i in 0..<1_200 {
            let tag = i % 100 == 7 ? "U\(i)" : "T\(i)"
            lines.append("C\(i),\(i * 2),\(tag),\(i % 3 == 0 ? "" : "\(i).25")")
            if i == 10 { lines.append("C10,1010,T10,10.75") }               // refused: the same key again, same batch
            if i == 20 { lines.append("C20,abc,T20,1") }                    // rejected: not a number
            if i == 30 { lines.append("C1201,1,T31,1") }                    // rejected: T31 is C31's
            if i == 40 { lines.append("C1202,1,U7,1") }                     // rejected: C7 took U7 above
            if i == 50 { lines.append("N1,5,NEW1,") }                       // a new record
            if i == 60 { lines.append("N2,6,T61,") }                        // rejected: T61 is C61's
            if i == 70 { lines.append("N1,7,NEW1b,0.5") }                   // refused: the new record's key again
        }
        lines.append("C5,555,T5,5.5")                                       // refused: the same key again, next batch
        lines.append("X1,11,TX1,")                                          // records with version rows
        lines.append("X2,12,TX2,")
        lines.append("N1,8,NEW1c,")                                         // refused: the new record's key once more
        lines.append("C1250,1250,T1250,1250.5")                             // as it is: unchanged, no new version
        lines.append("X2,12,TX2,")                                          // refused: X2 again
        return lines.joined(separator: "\n") + "\n"
    }

    /// Everything an import by key writes, by record code: records, their versions, keys and
    /// typed rows (ids and moments left out, compared through the records they belong to).
    struct Stored: Equatable {
        var records: [String: String] = [:]
        var versions: [String: String] = [:]
        var keys: [String: String] = [:]
        var columns: [String: String] = [:]
        var shapes: [String] = []
    }

    static func stored(_ app: Application, _ service: DatasetService, _ slug: String, _ engine: Engine) async throws -> Stored {
        let sql = try #require(app.db as? any SQLDatabase)
        let d = try await service.dataset(slug)
        let did = try d.requireID()
        var out = Stored()
        struct Record: Decodable { let id: UUID; let values_json: String; let search_text: String; let version: Int; let updated_by: String; let live: Int }
        var codes: [UUID: String] = [:]
        for r in try await sql.raw("SELECT id, values_json, search_text, version, updated_by, CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END AS live FROM dataset_records WHERE dataset_id = \(bind: did)").all(decoding: Record.self) {
            let code = try #require((try JSONSerialization.jsonObject(with: Data(r.values_json.utf8)) as? [String: Any])?["code"] as? String)
            codes[r.id] = code
            out.records[code] = "\(r.values_json)\t\(r.search_text)\t\(r.version)\t\(r.updated_by)\t\(r.live)"
        }
        struct Version: Decodable { let record_id: UUID; let version: Int; let action: String; let values_json: String; let deleted: Int; let actor: String; let at_created: Int; let at_updated: Int }
        // A moment read back through the model is rounded to the microsecond: "the same moment" is within one.
        func near(_ a: String, _ b: String) -> String {
            engine == .postgres ? "abs(extract(epoch from \(a) - \(b))) < 0.000002" : "abs(\(a) - \(b)) < 0.000002"
        }
        for v in try await sql.raw("""
            SELECT v.record_id, v.version, v.action, v.values_json, CASE WHEN v.deleted THEN 1 ELSE 0 END AS deleted, v.actor,
                   CASE WHEN \(unsafeRaw: near("v.at", "r.created_at")) THEN 1 ELSE 0 END AS at_created,
                   CASE WHEN \(unsafeRaw: near("v.at", "r.updated_at")) THEN 1 ELSE 0 END AS at_updated
            FROM record_versions v JOIN dataset_records r ON r.id = v.record_id WHERE v.dataset_id = \(bind: did)
            """).all(decoding: Version.self) {
            let code = try #require(codes[v.record_id])
            #expect(out.versions["\(code)/\(v.version)"] == nil)
            out.versions["\(code)/\(v.version)"] = "\(v.action)\t\(v.values_json)\t\(v.deleted)\t\(v.actor)\t\(v.at_created)\t\(v.at_updated)"
        }
        struct Key: Decodable { let field_key: String; let value_key: String; let record_id: UUID }
        for k in try await sql.raw("SELECT field_key, value_key, record_id FROM record_keys WHERE dataset_id = \(bind: did)").all(decoding: Key.self) {
            out.keys["\(k.field_key)/\(k.value_key)"] = try #require(codes[k.record_id])
        }
        let typed = try #require(ValueColumns(app.db, datasetID: did, schema: try DatasetService.schema(of: d)))
        let row = engine == .postgres ? "(t.*)::text" : (["record_id"] + typed.columns).map { "quote(\($0))" }.joined(separator: " || ',' || ")
        struct Columns: Decodable { let record_id: UUID; let row: String }
        for c in try await sql.raw("SELECT record_id, \(unsafeRaw: row) AS row FROM \(unsafeRaw: typed.table) t").all(decoding: Columns.self) {
            let code = try #require(codes[c.record_id])
            #expect(out.columns[code] == nil, "one typed row per record")
            out.columns[code] = String(c.row.drop { $0 != "," })
        }
        if engine == .sqlite {
            // The forms values are stored in (Fluent's: ids as text, moments as seconds).
            struct Shape: Decodable { let s: String }
            out.shapes = try await sql.raw("""
                SELECT DISTINCT typeof(id) || length(id) || typeof(record_id) || typeof(version) || typeof(deleted) || typeof(at) || typeof(tenant_id) AS s
                FROM record_versions WHERE dataset_id = \(bind: did)
                UNION SELECT DISTINCT 'key ' || typeof(id) || length(id) || typeof(record_id) || typeof(tenant_id) FROM record_keys WHERE dataset_id = \(bind: did)
                UNION SELECT DISTINCT 'record ' || typeof(updated_at) || typeof(version) || typeof(deleted_at) FROM dataset_records WHERE dataset_id = \(bind: did)
                """).all(decoding: Shape.self).map(\.s).sorted()
        }
        // Every row reads back through the models.
        #expect(try await DatasetRecord.query(on: app.db).filter(\.$datasetID == did).count() == out.records.count)
        #expect(try await RecordVersion.query(on: app.db).filter(\.$datasetID == did).all().count == out.versions.count)
        return out
    }

    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Datasets `slugs`, each seeded with `rows` records, and two records made through the
    /// API (one of them changed since), so they have version rows of their own.
    static func prepare(_ app: Application, _ slugs: [String], rows: Int) async throws -> DatasetService {
        let api = try await Browser.withToken(app, "nongki", .admin)
        let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
        let service = DatasetService(scope: TenantScope(tenantID: try tenant.requireID(), db: app.db), actor: "test")
        let seed = try file(seed(rows))
        defer { try? FileManager.default.removeItem(at: seed) }
        for slug in slugs {
            let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "\#(slug)", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": \#(Self.fields)}"#)
            #expect(made.status == .created, "\(made.body)")
            let seeded = try await ImportService(service: service).run(try await service.dataset(slug), source: try CSVRowSource(url: seed), mode: .allOrNothing, keyField: nil)
            #expect(seeded.imported == rows)
            let base = "/api/v1/t/nongki/datasets/\(slug)"
            let x1 = try API.json(try await API.send(api, .POST, base + "/records", json: #"{"values": {"code": "X1", "name": "เอ็กซ์", "n": 1, "tag": "TX1"}}"#))
            #expect(try await API.send(api, .POST, base + "/records", json: #"{"values": {"code": "X2", "n": 2}}"#).status == .created)
            let id = try #require(x1["id"] as? String)
            #expect(try await API.send(api, .PATCH, base + "/records/\(id)", json: #"{"n": 3}"#).status == .ok)
        }
        return service
    }

    static func importing(_ service: DatasetService, _ slug: String, _ url: URL, mode: ImportMode, batched: Bool) async throws -> ImportResult {
        var importer = ImportService(service: service)
        importer.batchesKeyUpdates = batched
        do {
            return try await importer.run(try await service.dataset(slug), source: try CSVRowSource(url: url), mode: mode, keyField: "code")
        } catch let rolledBack as ImportService.RolledBack {
            return rolledBack.result
        }
    }

    static func describe(_ r: ImportResult) -> String {
        "\(r.imported) new, \(r.updated) updated, \(r.unchanged) unchanged, rejected " + r.rejected.map { "\($0.row) \($0.column ?? "-") \($0.reason.en)" }.joined(separator: "; ")
    }

    @Test("Batched updates by key store the same records, versions, history, keys and typed columns as one row at a time",
          arguments: Engine.available)
    func batchedEqualsPerRow(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let service = try await Self.prepare(app, ["batched", "perrow"], rows: 1_300)
            let url = try Self.file(Self.updates())
            defer { try? FileManager.default.removeItem(at: url) }
            let batched = try await Self.importing(service, "batched", url, mode: .validRows, batched: true)
            let perRow = try await Self.importing(service, "perrow", url, mode: .validRows, batched: false)
            #expect(Self.describe(batched) == Self.describe(perRow))
            #expect(batched.updated == 1_202 && batched.unchanged == 1 && batched.imported == 1, "\(Self.describe(batched))")
            #expect(batched.rejected.map(\.row) == [13, 24, 35, 46, 68, 79, 1_209, 1_212, 1_214], "\(Self.describe(batched))")
            #expect(batched.rejected.map(\.column) == ["code", "n", "tag", "tag", "tag", "code", "code", "code", "code"])
            // A repeated key names the row whose values were kept.
            #expect(batched.rejected.first?.reason.en.contains("row 12 ") == true && batched.rejected.first?.reason.th.contains("แถวที่ 12 ") == true,
                    "\(batched.rejected.first?.reason.en ?? "-")")
            #expect(batched.rejected.last?.reason.en.contains("row 1211 ") == true)

            let a = try await Self.stored(app, service, "batched", engine)
            let b = try await Self.stored(app, service, "perrow", engine)
            #expect(a.records.count == 1_300 + 2 + 1)
            for (name, x, y) in [("records", a.records, b.records), ("versions", a.versions, b.versions), ("keys", a.keys, b.keys), ("columns", a.columns, b.columns)] {
                let differing = Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
                #expect(differing.isEmpty, "\(name) differ: \(differing.prefix(4).map { "\($0): \(x[$0] ?? "-") | \(y[$0] ?? "-")" })")
            }
            #expect(a.shapes == b.shapes)

            // What happened, spelled out for the batched dataset.
            #expect(a.versions.count == b.versions.count)
            #expect(a.versions["C0/1"]?.hasPrefix("import\t") == true && a.versions["C0/1"]?.hasSuffix("\t1\t0") == true, "\(a.versions["C0/1"] ?? "-")")
            #expect(a.versions["C0/2"]?.hasPrefix("import\t") == true && a.versions["C0/2"]?.hasSuffix("\t0\t1") == true)
            #expect(a.versions["C0/3"] == nil && a.versions["C1250/1"] == nil)           // untouched records keep no version rows
            #expect(a.versions["C10/2"] != nil && a.versions["C10/3"] == nil && a.versions["C5/2"] != nil && a.versions["C5/3"] == nil)
            #expect(a.versions["N1/1"] == nil && a.records["N1"]?.contains(#""tag":"NEW1""#) == true, "\(a.records["N1"] ?? "-")")
            #expect(a.versions["X1/2"]?.hasPrefix("update\t") == true && a.versions["X1/3"]?.hasPrefix("import\t") == true)
            #expect(a.versions["X2/1"]?.hasPrefix("create\t") == true && a.versions["X2/2"]?.hasPrefix("import\t") == true && a.versions["X2/3"] == nil)
            #expect(a.records["C1250"]?.hasSuffix("\t1\ttest\t1") == true, "\(a.records["C1250"] ?? "-")")
            #expect(a.records["C5"]?.contains(#""n":10,"#) == true, "the first row of a key is the one kept")
            #expect(a.records["C10"]?.contains(#""n":20,"#) == true)
            #expect(a.records["C1201"] == b.records["C1201"] && a.records["C1201"]?.hasSuffix("\t1\ttest\t1") == true)
            #expect(a.records["C3"]?.contains(#""name":"ชื่อ 3 บ้านหนองกี่""#) == true, "columns not in the file keep their values")
            #expect(a.records["C20"]?.contains(#""n":40,"#) == true, "the rejected row changed nothing after the valid one")
            #expect(a.keys["tag/u7"] == "C7" && a.keys["tag/t7"] == nil && a.keys["tag/new1"] == "N1" && a.keys["tag/new1c"] == nil,
                    "\(a.keys.filter { $0.value == "C7" || $0.value == "N1" })")
            // The history the API shows.
            let d = try await service.dataset("batched")
            let c5 = try #require(try await service.recordQuery(d, .init(search: "ชื่อ 5 บ้าน")).all().first { $0.valuesJSON.contains(#""code":"C5""#) })
            #expect(try await service.history(c5).map(\.action) == ["import", "import"])
        }
    }

    @Test("All or nothing: a rejected row after more than a batch of updates leaves every record as it was", arguments: Engine.available)
    func allOrNothingRollsBack(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let service = try await Self.prepare(app, ["aon"], rows: 1_500)
            let before = try await Self.stored(app, service, "aon", engine)
            var lines = ["code,n"]
            for i in 0..<1_400 { lines.append("C\(i),\(i == 1_300 ? "many" : String(i + 7))") }
            lines.append("NEW,1")
            let url = try Self.file(lines.joined(separator: "\n") + "\n")
            defer { try? FileManager.default.removeItem(at: url) }
            let result = try await Self.importing(service, "aon", url, mode: .allOrNothing, batched: true)
            #expect(result.imported == 0 && result.updated == 0)
            #expect(result.rejected.map(\.row) == [1_302])
            let after = try await Self.stored(app, service, "aon", engine)
            #expect(after == before)

            // Without the bad row, all of it.
            let good = try Self.file(lines.filter { !$0.contains("many") }.joined(separator: "\n") + "\n")
            defer { try? FileManager.default.removeItem(at: good) }
            let done = try await Self.importing(service, "aon", good, mode: .allOrNothing, batched: true)
            #expect(done.updated == 1_399 && done.imported == 1 && done.rejected.isEmpty, "\(Self.describe(done))")
            let changed = try await Self.stored(app, service, "aon", engine)
            #expect(changed.records["C1399"]?.contains(#""n":1406"#) == true)
            #expect(changed.versions.count == 2 * 1_399 + 3)   // and X1's two, X2's one

            // The same file again changes nothing, and says so.
            let again = try await Self.importing(service, "aon", good, mode: .allOrNothing, batched: true)
            #expect(again.updated == 0 && again.unchanged == 1_400 && again.imported == 0 && again.rejected.isEmpty, "\(Self.describe(again))")
            #expect(try await Self.stored(app, service, "aon", engine) == changed)
        }
    }

    @Test("An updated row whose unique value another record holds is refused, and nothing of it is written", arguments: Engine.available)
    func uniqueClash(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let service = try await Self.prepare(app, ["clash"], rows: 10)
            let before = try await Self.stored(app, service, "clash", engine)
            // C1 takes C2's tag; C3 and C4 swap theirs (the first of the two is refused); C5 takes a
            // tag in another spelling of C6's ("t6" is compared as "T6"); C7 takes a new one.
            let url = try Self.file("code,tag\nC1,T2\nC3,T4\nC4,T3\nC5,t6\nC7,T77\n")
            defer { try? FileManager.default.removeItem(at: url) }
            let result = try await Self.importing(service, "clash", url, mode: .validRows, batched: true)
            #expect(result.rejected.map(\.row) == [2, 3, 4, 5], "\(Self.describe(result))")
            #expect(result.rejected.allSatisfy { $0.column == "tag" })
            #expect(result.updated == 1)
            let after = try await Self.stored(app, service, "clash", engine)
            for code in ["C1", "C2", "C3", "C4", "C5", "C6"] { #expect(after.records[code] == before.records[code], "\(code)") }
            #expect(after.keys["tag/t77"] == "C7" && after.keys["tag/t7"] == nil)
            #expect(after.keys.filter { $0.key.hasPrefix("tag/") }.count == before.keys.filter { $0.key.hasPrefix("tag/") }.count)
        }
    }

    @Test("A key import over the synchronous limit runs as a job and updates the records", arguments: Engine.available)
    func largeKeyImportAsJob(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "big", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": \#(Self.fields)}"#)
            #expect(made.status == .created, "\(made.body)")
            let base = "/api/v1/t/nongki/datasets/big"
            let padding = String(repeating: "ข้อความ", count: 6)
            func run(_ csv: String, key: String?) async throws -> [String: Any] {
                #expect(csv.utf8.count > DatasetImportEndpoint.synchronousLimit)
                let started = try await API.send(api, .POST, base + "/import?mode=valid_rows" + (key.map { "&key=\($0)" } ?? ""), body: ByteBuffer(string: csv), type: "text/csv")
                #expect(started.status == .accepted, "\(started.body.prefix(300))")
                let job = try #require(try API.json(started)["job"] as? String)
                return try await API.finishedJob(api, "nongki", job, seconds: 120)
            }
            let rows = 20_000
            var seed = "code,name,n\n", update = "code,n,name\n"
            for i in 0..<rows {
                seed += "K\(i),\(padding) \(i),\(i)\n"
                update += "K\(i),\(i + 1),\(padding) ใหม่ \(i)\n"
            }
            let first = try await run(seed, key: nil)
            #expect(first["status"] as? String == "done")
            #expect((first["result"] as? [String: Any])?["imported"] as? Int == rows, "\(first)")
            let second = try await run(update, key: "code")
            #expect(second["status"] as? String == "done", "\(second)")
            let result = second["result"] as? [String: Any]
            #expect(result?["updated"] as? Int == rows && result?["imported"] as? Int == 0, "\(second)")
            let found = try API.json(try await api.get(base + "/records?code=K1234"))
            let values = (found["items"] as? [[String: Any]])?.first?["values"] as? [String: Any]
            #expect(values?["n"] as? Int == 1235)
            #expect((values?["name"] as? String)?.hasSuffix("ใหม่ 1234") == true)
            #expect(try API.json(try await api.get(base + "/records?limit=1"))["total"] as? Int == rows)
        }
    }
}

@Suite("SQLite's busy errors are a 503 to try again")
struct DatabaseBusyTests {
    /// A real SQLITE_BUSY: a transaction that read, then wants to write while another
    /// connection holds the write lock (SQLite does not wait in that case).
    static func busyError() async throws -> any Error {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let a = try await SQLiteConnection.open(storage: .file(path: path))
        let b = try await SQLiteConnection.open(storage: .file(path: path))
        defer { _ = try? a.close().wait(); _ = try? b.close().wait() }
        _ = try await a.query("PRAGMA journal_mode=WAL").get()
        _ = try await a.query("CREATE TABLE t (x INTEGER)").get()
        _ = try await b.query("BEGIN").get()
        _ = try await b.query("SELECT count(*) FROM t").get()
        _ = try await a.query("BEGIN IMMEDIATE").get()
        do {
            _ = try await b.query("INSERT INTO t VALUES (1)").get()
            Issue.record("the second writer was not refused")
            return CancellationError()
        } catch {
            _ = try? await a.query("ROLLBACK").get()
            _ = try? await b.query("ROLLBACK").get()
            return error
        }
    }

    @Test("SQLITE_BUSY is described as a 503 in Thai and English; other errors are not")
    func described() async throws {
        let error = try await Self.busyError()
        #expect(String(describing: error).contains("locked"), "\(error)")
        #expect(DatabaseBusy.matches(error))
        let (status, message) = BilingualErrorMiddleware.describe(error)
        #expect(status == .serviceUnavailable)
        #expect(message.th == "ระบบกำลังบันทึกข้อมูลจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่")
        #expect(message.en == "The database is busy with a large write; try again in a moment.")
        #expect(DatabaseBusy.matches(SQLiteBulk.Failure(description: "busy", code: 5 | (2 << 8))))      // SQLITE_BUSY_SNAPSHOT
        #expect(DatabaseBusy.matches(SQLiteBulk.Failure(description: "locked", code: 6)))               // SQLITE_LOCKED
        #expect(!DatabaseBusy.matches(SQLiteBulk.Failure(description: "full", code: 13)))
        #expect(!DatabaseBusy.matches(AppError.notFound))
        #expect(BilingualErrorMiddleware.describe(SQLiteBulk.Failure(description: "constraint", code: 19)).0 == .internalServerError)
    }

    @Test("A request that fails with SQLITE_BUSY gets a 503 with a JSON body and Retry-After, not a 500")
    func response() async throws {
        let error = try await Self.busyError()
        try await TestApp.with(.sqlite) { app in
            struct Throwing: AsyncResponder {
                let error: any Error
                func respond(to request: Request) async throws -> Response { throw error }
            }
            let req = Request(application: app, method: .POST, url: "/api/v1/t/nongki/datasets/x/import", on: app.eventLoopGroup.any())
            let response = try await BilingualErrorMiddleware().respond(to: req, chainingTo: Throwing(error: error))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers.first(name: .retryAfter) == String(DatabaseBusy.retryAfter))
            #expect(response.headers.contentType == .json)
            struct Body: Decodable { struct Message: Decodable { let th: String; let en: String }; let error: Message }
            let body = try JSONDecoder().decode(Body.self, from: Data(buffer: try #require(response.body.buffer)))
            #expect(body.error.en == "The database is busy with a large write; try again in a moment.")
            #expect(!body.error.th.isEmpty)
        }
    }
}

@Suite("SQLite: requests while another connection holds the write lock")
struct SQLiteWriteLockTests {
    @Test("With the request wait bounded, a read whose token bookkeeping cannot be written still answers, and a write gets 503 with Retry-After",
          .timeLimit(.minutes(1)), arguments: Engine.available.filter { $0 == .sqlite })
    func boundedWait(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            try await limitRequestWaits(app)
            let api = try await Browser.withToken(app, "nongki", .admin)   // never used yet: its first use is written down
            struct File: Decodable { let file: String }
            let path = try #require(try await (app.db as? any SQLDatabase)?.raw("PRAGMA database_list").all(decoding: File.self).first?.file)
            // Another connection (an import's) holds the write lock.
            let holder = try await SQLiteConnection.open(storage: .file(path: path))
            _ = try await holder.query("BEGIN IMMEDIATE").get()
            let clock = ContinuousClock()
            let start = clock.now
            let read = try await api.get("/api/v1/t/nongki/datasets")
            #expect(read.status == .ok, "\(read.body.prefix(300))")
            let write = try await CityDatabaseAPITests.send(api, .POST, "/api/v1/t/nongki/datasets",
                                                            json: #"{"slug": "locked", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": [{"key": "a", "type": "text"}]}"#)
            #expect(write.status == .serviceUnavailable, "\(write.body.prefix(300))")
            #expect(write.headers.first(name: .retryAfter) == String(DatabaseBusy.retryAfter))
            #expect(write.body.contains("The database is busy with a large write"))
            let waited = clock.now - start
            #expect(waited < .seconds(20), "\(waited)")
            _ = try await holder.query("ROLLBACK").get()
            try await holder.close().get()
            // Once the lock is let go, the same write goes through.
            let again = try await CityDatabaseAPITests.send(api, .POST, "/api/v1/t/nongki/datasets",
                                                            json: #"{"slug": "locked", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": [{"key": "a", "type": "text"}]}"#)
            #expect(again.status == .created, "\(again.body.prefix(300))")
        }
    }
}
