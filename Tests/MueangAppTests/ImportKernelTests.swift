import Foundation
import Testing
import Vapor
import Fluent
import SQLKit
import NIOConcurrencyHelpers
@testable import MueangApp
import Datasets
import Tabular

@Suite("Import kernel: plain rows as bytes, exactly as the usual way stores them")
struct ImportKernelTests {
    typealias API = CityDatabaseAPITests

    /// Cells that take the byte paths, cells that must not (something to trim, escape, fold,
    /// reorder or convert), and cells that are errors, for each field of `fields`.
    static let cells: [[String]] = [
        // owner (text)
        ["บุญมี ชัยมงคล", "Somchai JAIDEE", " spaced  out ", "Mr. \"Quoted\"", "back\\slash", "tab\there", "ก\u{0E48}\u{0E38}",
         "ก\u{0E38}\u{0E48}", "ที่ ๑๒", "e\u{301}", "ก\u{0E4D}\u{0E32}", "อื่น ๆ", "ๆ", "เก่า", "ฯลฯ", "", "a  b", "ญี่ปุ่น", "\u{200B}x",
         "ก\u{0E31}", "x \u{0E31}", "ABC def", "x\ny", "ราคา ฿", "ไก่", "ก่", "Ｆull", "ไอ้ ", "ำนา"],
        // households (integer)
        ["4", "0", "-0", "007", "๑๒", "1,000", "-15", "12.0", "12.5", "abc", "", "999999999999999999", "9999999999999999999", " 8", "+3"],
        // income (decimal)
        ["14840.41", "0.10", "-0.00", "000123.4500", "1,234.50", "๑๒.๕", "7", "-7.80", "1e5", "abc", "", ".5", "5.", "0",
         "1234567890123456789012345678901", "12345678901234567890123456789012", "-0012.3400", "100", "0.0001", "10000", "99999.9999",
         "-123456789.123456789", "0.00001", "10000.00010", "1000000000000"],
        // zone (choice)
        ["ก", "ข", "other", "OTHER", "x", ""],
        // surveyed (date)
        ["2021-02-22", "๑๕/๖/๒๕๖๗", "15 มี.ค. 2569", "2024-02-30", "", "45000"],
        // note (long text)
        ["108/1 หมู่ 10, ถนนมิตรภาพ", "line\nbreak", "", "Quote \"q\"", "ปกติ", "UPPER lower", "ข้อความ\r\nสองบรรทัด"],
        // tag (text, at most 12 characters: never the byte path)
        ["short", "this is far too long for it", "", "ก"],
    ]
    static let fields = #"[{"key": "code", "type": "text"}, {"key": "owner", "type": "text"}, {"key": "households", "type": "integer"}, {"key": "income", "type": "decimal"}, {"key": "zone", "type": "choice", "choices": ["ก", "ข", "Other"]}, {"key": "surveyed", "type": "date"}, {"key": "note", "type": "long_text"}, {"key": "tag", "type": "text", "max": 12}]"#

    /// A CSV of `rows` rows: each row's cells picked from `cells` by steps that are prime to
    /// the lists' lengths, so every combination mixes; every field quoted.
    static func file(rows: Int) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var text = "code,owner,households,income,zone,surveyed,note,tag\r\n"
        let steps = [7, 5, 11, 13, 17, 19, 23]
        for i in 0..<rows {
            let picked = cells.indices.map { c in cells[c][(i * steps[c] + i / 97) % cells[c].count] }
            // Now and then a row with an empty cell past the header (fine), or a value there (rejected).
            let beyond = i % 1000 == 500 ? ",\"EXTRA\"" : i % 1000 == 501 ? ",," : ""
            text += ([quoted("R\(i)")] + picked.map(quoted)).joined(separator: ",") + beyond + "\r\n"
            if i % 1000 == 999 { text += "\r\n,,,\r\n" }   // a blank line and a row of empty cells
        }
        return text
    }

    @Test("A file past the first chunk imports through the kernel into the same records, search texts, typed columns and rejects as the usual way",
          arguments: Engine.available)
    func kernelStoresWhatTheUsualWayStores(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            for slug in ["bykernel", "usual", "allornothing"] {
                let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets",
                                              json: #"{"slug": "\#(slug)", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": \#(Self.fields)}"#)
                #expect(made.status == .created || made.status == .ok, "\(made.body)")
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kernel-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("rows.csv")
            let rows = ImportService.chunkSize + 3_000
            try Data(Self.file(rows: rows).utf8).write(to: url)

            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let service = DatasetService(scope: TenantScope(tenantID: try tenant.requireID(), db: app.db), actor: "test")
            func importing(_ slug: String, kernel: Bool, mode: ImportMode = .validRows) async throws -> (ImportResult, Int) {
                let wrote = NIOLockedValueBox(0)
                var importer = ImportService(service: service)
                importer.allowsKernel = kernel
                importer.kernelWrote = { n in wrote.withLockedValue { $0 += n } }
                do {
                    let result = try await importer.run(try await service.dataset(slug), source: try CSVRowSource(url: url), mode: mode, keyField: nil)
                    return (result, wrote.withLockedValue { $0 })
                } catch let rolledBack as ImportService.RolledBack {
                    return (rolledBack.result, wrote.withLockedValue { $0 })
                }
            }
            let (byKernel, kernelRows) = try await importing("bykernel", kernel: true)
            let (usual, usualKernelRows) = try await importing("usual", kernel: false)
            #expect(usualKernelRows == 0)
            #expect(kernelRows > 500, "the kernel wrote \(kernelRows) rows")
            #expect(byKernel.imported == usual.imported && byKernel.updated == usual.updated)
            #expect(byKernel.imported > rows / 4 && !usual.rejected.isEmpty)
            #expect(byKernel.rejected.map { "\($0.row) \($0.column ?? "-") \($0.reason.en)" } == usual.rejected.map { "\($0.row) \($0.column ?? "-") \($0.reason.en)" })
            // Rows with a value past the header are rejected, by either way, past the kernel's first chunk too.
            let beyond = byKernel.rejected.filter { $0.column == nil && $0.reason.en.contains("beyond the header") }.map(\.row)
            #expect(beyond.count == (rows + 499) / 1000 && beyond.contains { $0 > ImportService.sampleRows }, "\(beyond)")

            // The stored records and typed columns, byte for byte, by each row's code.
            let sql = try #require(app.db as? any SQLDatabase)
            func stored(_ slug: String) async throws -> (records: [String: String], columns: [String: String]) {
                let d = try await service.dataset(slug)
                struct Record: Decodable {
                    let values_json: String; let search_text: String; let version: Int; let updated_by: String
                    let created_at: Date; let updated_at: Date; let deleted_at: Date?
                }
                var records: [String: String] = [:], stamps: Set<Date> = []
                for r in try await sql.raw("SELECT * FROM dataset_records WHERE dataset_id = \(bind: try d.requireID())").all(decoding: Record.self) {
                    let code = try #require(try JSONSerialization.jsonObject(with: Data(r.values_json.utf8)) as? [String: Any])["code"] as? String
                    records[try #require(code)] = "\(r.values_json)\t\(r.search_text)\t\(r.version)\t\(r.updated_by)\t\(r.created_at == r.updated_at)\t\(r.deleted_at == nil)"
                    stamps.insert(r.created_at)
                }
                #expect(stamps.count == 1, "one moment for the whole import")
                let typed = try #require(ValueColumns(app.db, datasetID: try d.requireID(), schema: try DatasetService.schema(of: d)))
                // Each value with its type: SQLite's quote() writes 12, 12.0 and '12' apart.
                let row = engine == .postgres ? "(t.*)::text" : (["record_id"] + typed.columns).map { "quote(\($0))" }.joined(separator: " || ',' || ")
                struct Columns: Decodable { let code: String; let row: String }
                var columns: [String: String] = [:]
                for c in try await sql.raw("SELECT c0 AS code, \(unsafeRaw: row) AS row FROM \(unsafeRaw: typed.table) t").all(decoding: Columns.self) {
                    columns[c.code] = String(c.row.drop { $0 != "," })   // without the record id
                }
                return (records, columns)
            }
            // Every record reads back through the model (its id is a UUID as Fluent writes it),
            // with its typed row under the same id.
            for slug in ["bykernel", "usual"] {
                let d = try await service.dataset(slug)
                let typed = try #require(ValueColumns(app.db, datasetID: try d.requireID(), schema: try DatasetService.schema(of: d)))
                let models = try await DatasetRecord.query(on: app.db).filter(\.$datasetID == (try d.requireID())).all()
                struct Count: Decodable { let n: Int }
                let joined = try await sql.raw("SELECT count(*) AS n FROM dataset_records r JOIN \(unsafeRaw: typed.table) t ON t.record_id = r.id WHERE r.dataset_id = \(bind: try d.requireID())").first(decoding: Count.self)
                #expect(models.count == byKernel.imported && joined?.n == byKernel.imported, "\(slug): \(models.count) records, \(joined?.n ?? -1) with their typed row")
            }
            let a = try await stored("bykernel"), b = try await stored("usual")
            #expect(a.records.count == byKernel.imported && a.columns.count == byKernel.imported)
            #expect(a.records.keys.sorted() == b.records.keys.sorted())
            let differing = a.records.keys.filter { a.records[$0] != b.records[$0] || a.columns[$0] != b.columns[$0] }.sorted()
            #expect(differing.isEmpty, "rows stored differently: \(differing.prefix(5).map { "\($0): \(a.records[$0] ?? "-") | \(b.records[$0] ?? "-") | \(a.columns[$0] ?? "-") | \(b.columns[$0] ?? "-")" })")

            // All or nothing: the kernel's writes go back with the rest.
            let (refused, refusedKernelRows) = try await importing("allornothing", kernel: true, mode: .allOrNothing)
            #expect(refused.imported == 0 && refused.rejected.count == usual.rejected.count)
            #expect(refusedKernelRows == 0, "nothing is written once a row was rejected")
            let left = try await DatasetRecord.query(on: app.db).filter(\.$datasetID == (try await service.dataset("allornothing")).requireID()).count()
            #expect(left == 0)
        }
    }

    @Test("On SQLite the kernel writes record ids as Fluent does: upper-case hex in 8-4-4-4-12")
    func uuidText() {
        var out = [UInt8](repeating: 0, count: 36)
        for id in (0..<1000).map({ _ in UUID() }) + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                                                       UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))] {
            withUnsafeBytes(of: id.uuid) { bytes in out.withUnsafeMutableBufferPointer { UUIDDigits.write(bytes.baseAddress!, into: $0.baseAddress!, asUUIDString: true) } }
            #expect(String(decoding: out, as: UTF8.self) == id.uuidString)
        }
    }

    @Test("On SQLite a large import's commit leaves copying its pages into the database file to a checkpoint of its own",
          arguments: Engine.available.filter { $0 == .sqlite })
    func checkpointAfterTheImport(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "big", "title": {"th": "ทดสอบ", "en": "Test"}, "fields": [{"key": "code", "type": "text"}, {"key": "note", "type": "text"}, {"key": "n", "type": "integer"}]}"#)
            #expect(made.status == .created || made.status == .ok, "\(made.body)")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("rows.csv")
            // More than SQLite's 1,000 log pages (4 MB) of records and typed rows.
            var text = "code,note,n\n"
            for i in 0..<40_000 { text += "R\(i),บ้านเลขที่ \(i) หมู่ \(i % 12 + 1) ตำบลหนองกี่,\(i)\n" }
            try Data(text.utf8).write(to: url)

            struct File: Decodable { let file: String }
            let path = try #require(try await (app.db as? any SQLDatabase)?.raw("PRAGMA database_list").all(decoding: File.self).first?.file)
            func fileSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0 }
            let sizeBefore = fileSize(), checkpointsBefore = SQLiteBulk.backgroundCheckpoints.withLockedValue { $0[path, default: 0] }

            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let service = DatasetService(scope: TenantScope(tenantID: try tenant.requireID(), db: app.db), actor: "test")
            let wrote = NIOLockedValueBox(0)
            var importer = ImportService(service: service)
            importer.kernelWrote = { n in wrote.withLockedValue { $0 += n } }
            let result = try await importer.run(try await service.dataset("big"), source: try CSVRowSource(url: url), mode: .allOrNothing, keyField: nil)
            #expect(result.imported == 40_000 && wrote.withLockedValue { $0 } > 30_000)
            // Nothing here checkpoints: the file grows by the checkpoint the import left behind.
            for _ in 0..<300 where SQLiteBulk.backgroundCheckpoints.withLockedValue({ $0[path, default: 0] }) == checkpointsBefore {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(SQLiteBulk.backgroundCheckpoints.withLockedValue { $0[path, default: 0] } > checkpointsBefore)
            #expect(fileSize() > sizeBefore + 4_000_000, "database file \(sizeBefore) -> \(fileSize()) bytes")
            // And the log is cut back: the next import writes a new one, not over this one.
            let log = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size]) as? Int) ?? -1
            #expect(log == 0, "log file of \(log) bytes after the checkpoint")
            #expect(try await DatasetRecord.query(on: app.db).filter(\.$datasetID == (try await service.dataset("big")).requireID()).count() == 40_000)
        }
    }

    /// A SQLite database whose log holds 20,000 rows (4.9 MB) that an application wrote with its
    /// automatic checkpoint off, and which stays open while `body` runs (closing the last
    /// connection would checkpoint): what a process stopped before its checkpoint leaves.
    /// `body` gets that application, the database and the size of its log file.
    static func withRowsLeftInLog(_ body: (Application, AppConfig.Database, @escaping @Sendable () -> Int) async throws -> Void) async throws {
        let db = try await TemplatePool.shared.freshDatabase(.sqlite, .empty)
        guard case .sqlite(let path) = db else { Issue.record("not SQLite"); return }
        let logSize: @Sendable () -> Int = { ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size]) as? Int) ?? -1 }
        let writer = try await Application.make(.testing)
        do {
            try await configure(writer, TestApp.config(db))
            try await writer.db.withConnection { connection in
                let sql = try #require(connection as? any SQLDatabase)
                try await sql.raw("PRAGMA wal_autocheckpoint = 0").run()
                try await sql.raw("CREATE TABLE left_in_log (n INTEGER, t TEXT)").run()
                try await sql.raw("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 20000) INSERT INTO left_in_log SELECT n, 'แถวที่ ' || n || hex(randomblob(100)) FROM k").run()
            }
            #expect(logSize() > 1_000_000, "the log holds the rows: \(logSize()) bytes")
            try await body(writer, db, logSize)
        } catch {
            Issue.record(error)
        }
        try await writer.asyncShutdown()
    }

    /// Starts another application on `db` as the server does (`migrate`), runs `body` on it and stops it.
    static func start(_ db: AppConfig.Database, _ body: (Application) async throws -> Void) async throws {
        let next = try await Application.make(.testing)
        do {
            try await configure(next, TestApp.config(db))
            try await migrate(next)
            try await body(next)
        } catch {
            Issue.record(error)
        }
        try await next.asyncShutdown()
    }

    struct Count: Decodable { let n: Int }

    @Test("On SQLite what the log still holds at start (a process stopped before its checkpoint) is copied into the database and the log emptied")
    func startEmptiesTheLog() async throws {
        try await Self.withRowsLeftInLog { _, db, logSize in
            try await Self.start(db) { next in
                #expect(logSize() == 0, "log file of \(logSize()) bytes after start")
                let rows = try await (next.db as? any SQLDatabase)?.raw("SELECT count(*) AS n FROM left_in_log").first(decoding: Count.self)
                #expect(rows?.n == 20000)
            }
        }
    }

    /// A backup reads inside one long transaction: start must not wait for it (and hold every
    /// writer back meanwhile) to empty the log; the log is then left as it is.
    @Test("On SQLite start does not wait for a reader to empty the log", .timeLimit(.minutes(1)))
    func startDoesNotWaitForAReader() async throws {
        try await Self.withRowsLeftInLog { running, db, logSize in
            try await running.db.transaction { tx in
                let reader = try #require(tx as? any SQLDatabase)
                #expect(try await reader.raw("SELECT count(*) AS n FROM left_in_log").first(decoding: Count.self)?.n == 20000)
                try await Self.start(db) { _ in
                    #expect(logSize() > 0, "the log is left while a reader is on it")
                }
            }
        }
    }
}
