import Foundation
import Testing
import Vapor
import Fluent
import SQLKit
@testable import MueangApp
import Datasets
import Tabular
import ThaiConventions

/// The city database through its JSON API, on both engines, with the exact paths and shapes.
@Suite("City database API")
struct CityDatabaseAPITests {
    static let households = """
    {"slug": "hh", "title": {"th": "ครัวเรือน", "en": "Households"}, "division": "health",
     "fields": [{"key": "house_no", "type": "text", "required": true, "unique": true, "label": {"th": "บ้านเลขที่", "en": "House no."}},
                {"key": "owner_id", "type": "thai_id", "label": {"th": "เลขประจำตัวประชาชนเจ้าบ้าน", "en": "Owner ID"}},
                {"key": "members", "type": "integer", "min": 0, "label": {"th": "จำนวนสมาชิก", "en": "Members"}},
                {"key": "surveyed_on", "type": "date", "label": {"th": "วันที่สำรวจ", "en": "Surveyed on"}},
                {"key": "location", "type": "point"}]}
    """

    static func json(_ page: Browser.Page) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any] ?? [:]
    }

    static func send(_ b: Browser, _ method: HTTPMethod, _ path: String, json: String? = nil, body: ByteBuffer? = nil, type: String = "application/json") async throws -> Browser.Page {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        return try await b.request(method, path, headers: headers, body: body ?? json.map { ByteBuffer(string: $0) })
    }

    /// The job as it stands once it is no longer running (polled every 0.1 s, for at most `seconds`).
    static func finishedJob(_ b: Browser, _ tenant: String, _ job: String, seconds: Int = 20) async throws -> [String: Any] {
        for _ in 0..<(seconds * 10) {
            let polled = try json(try await b.get("/api/v1/t/\(tenant)/jobs/\(job)"))
            if polled["status"] as? String != "running" { return polled }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("job \(job) did not finish in \(seconds) s")
        return [:]
    }

    static func setUp(_ app: Application, role: Role = .admin) async throws -> Browser {
        let api = try await Browser.withToken(app, "nongki", role)
        let created = try await send(api, .POST, "/api/v1/t/nongki/datasets", json: households)
        #expect(created.status == .created, "\(created.body)")
        return api
    }

    static let base = "/api/v1/t/nongki/datasets/hh"

    @Test("Create a dataset and records; invalid records are refused field by field", arguments: Engine.available)
    func records(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            let shown = try Self.json(try await api.get(Self.base))
            #expect((shown["fields"] as? [[String: Any]])?.count == 5)
            let good = try await Self.send(api, .POST, Self.base + "/records", json: """
                {"values": {"house_no": "12/3", "owner_id": "\(Self.validID)", "members": 4, "surveyed_on": "2566-03-15", "location": {"lat": 14.68, "lon": 102.53}}}
                """)
            #expect(good.status == .created, "\(good.body)")
            let record = try Self.json(good)
            #expect(record["version"] as? Int == 1)
            let values = record["values"] as? [String: Any]
            #expect(values?["surveyed_on"] as? String == "2023-03-15")
            #expect((values?["location"] as? [String: Any])?["lat"] as? Double == 14.68)

            let bad = try await Self.send(api, .POST, Self.base + "/records", json: """
                {"values": {"house_no": "", "owner_id": "1234567890123", "members": -1}}
                """)
            #expect(bad.status == .unprocessableEntity)
            let error = try Self.json(bad)
            #expect((error["error"] as? [String: String])?["th"]?.isEmpty == false)
            let fields = Set(((error["fields"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["house_no", "owner_id", "members"])

            let dup = try await Self.send(api, .POST, Self.base + "/records", json: #"{"house_no": "12/3"}"#)
            #expect(dup.status == .unprocessableEntity)
            #expect(dup.body.contains("house_no"))

            for i in 1...30 { _ = try await Self.send(api, .POST, Self.base + "/records", json: #"{"house_no": "\#(100 + i)", "members": \#(i % 5)}"#) }
            let page = try Self.json(try await api.get(Self.base + "/records?limit=10&offset=5"))
            #expect(page["total"] as? Int == 31)
            #expect((page["items"] as? [Any])?.count == 10)
            let filtered = try Self.json(try await api.get(Self.base + "/records?members=๓"))
            #expect(filtered["total"] as? Int == 6)
            let searched = try Self.json(try await api.get(Self.base + "/records?q=12%2F3"))
            #expect(searched["total"] as? Int == 1)
            let sorted = try Self.json(try await api.get(Self.base + "/records?sort=members&order=desc&limit=1"))
            #expect((((sorted["items"] as? [[String: Any]])?.first?["values"]) as? [String: Any])?["members"] as? Int == 4)
            #expect(try await api.get(Self.base + "/records?nosuchfield=1").status == .badRequest)
        }
    }

    /// A national ID whose check digit is right: 1-1037-02021-33-?; Σ d_i × (14 − i) for the
    /// first 12 digits 1,1,0,3,7,0,2,0,2,1,3,3 = 13+12+0+30+63+0+14+0+10+4+9+6 = 161; 161 mod 11 = 7;
    /// (11 − 7) mod 10 = 4.
    static let validID = "1103702021334"

    @Test("An imported record's first version is its import: in its history, restorable, and the dataset's past", arguments: Engine.available)
    func importedHistory(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            let imported = try await Self.send(api, .POST, Self.base + "/import?mode=valid_rows", body: ByteBuffer(string: "house_no,members\n7,2\n8,3\n"), type: "text/csv")
            #expect(try Self.json(imported)["imported"] as? Int == 2, "\(imported.body)")
            func record(_ house: String) async throws -> [String: Any] {
                try #require((try Self.json(try await api.get(Self.base + "/records?house_no=\(house)"))["items"] as? [[String: Any]])?.first)
            }
            let id = try #require(try await record("7")["id"] as? String)
            // The import wrote the records only; the first version is read from the record.
            #expect(try await RecordVersion.query(on: app.db).filter(\.$recordID == UUID(uuidString: id)!).count() == 0)
            func history() async throws -> [[String: Any]] {
                try #require(try Self.json(try await api.get(Self.base + "/records/\(id)/history"))["items"] as? [[String: Any]])
            }
            let first = try await history()
            #expect(first.map { $0["version"] as? Int } == [1])
            #expect(first[0]["action"] as? String == "import" && first[0]["actor"] as? String == "admin" && first[0]["at"] != nil)
            #expect((first[0]["values"] as? [String: Any])?["members"] as? Int == 2)

            try await Task.sleep(for: .milliseconds(20))
            let afterImport = ISO8601DateFormatter.withFraction.string(from: Date())
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await Self.send(api, .PATCH, Self.base + "/records/\(id)", json: #"{"members": 5}"#).status == .ok)
            let second = try await history()
            #expect(second.map { $0["version"] as? Int } == [1, 2])
            #expect(second.map { $0["action"] as? String } == ["import", "update"])
            #expect(second.map { ($0["values"] as? [String: Any])?["members"] as? Int } == [2, 5])
            #expect(second[0]["at"] as? String == first[0]["at"] as? String)

            // Version 1 of a record still at version 1 can be restored too (a no-op: no new version).
            let otherID = try #require(try await record("8")["id"] as? String)
            let same = try await Self.send(api, .POST, Self.base + "/records/\(otherID)/restore?version=1", json: nil)
            #expect(same.status == .ok)
            #expect(try Self.json(same)["version"] as? Int == 1)
            #expect((try Self.json(same)["values"] as? [String: Any])?["members"] as? Int == 3)

            // The dataset as it was just after the import: 7 back to 2 members; a later row trashed.
            _ = try await Self.send(api, .POST, Self.base + "/import?mode=valid_rows", body: ByteBuffer(string: "house_no,members\n9,1\n"), type: "text/csv")
            #expect(try await Self.send(api, .POST, Self.base + "/restore?at=\(Browser.escape(afterImport))", json: nil).status == .ok)
            #expect((try await record("7")["values"] as? [String: Any])?["members"] as? Int == 2)
            let live = try Self.json(try await api.get(Self.base + "/records"))
            #expect(live["total"] as? Int == 2)
            #expect(try Self.json(try await api.get(Self.base + "/trash"))["total"] as? Int == 1)
        }
    }

    @Test("History, restore of a version, trash and back", arguments: Engine.available)
    func history(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            let created = try Self.json(try await Self.send(api, .POST, Self.base + "/records", json: #"{"house_no": "7", "members": 2}"#))
            let id = try #require(created["id"] as? String)
            let patched = try await Self.send(api, .PATCH, Self.base + "/records/\(id)", json: #"{"values": {"members": 5}}"#)
            #expect(patched.status == .ok)
            #expect((try Self.json(patched)["values"] as? [String: Any])?["house_no"] as? String == "7")
            let history = try Self.json(try await api.get(Self.base + "/records/\(id)/history"))
            let items = try #require(history["items"] as? [[String: Any]])
            #expect(items.map { $0["version"] as? Int } == [1, 2])
            #expect(items.allSatisfy { $0["actor"] as? String == "admin" && $0["at"] != nil })
            #expect((items[0]["values"] as? [String: Any])?["members"] as? Int == 2)
            let restored = try await Self.send(api, .POST, Self.base + "/records/\(id)/restore?version=1", json: nil)
            #expect(restored.status == .ok)
            #expect((try Self.json(restored)["values"] as? [String: Any])?["members"] as? Int == 2)
            #expect(try Self.json(restored)["version"] as? Int == 3)

            #expect(try await Self.send(api, .DELETE, Self.base + "/records/\(id)", json: nil).status == .noContent)
            #expect(try await api.get(Self.base + "/records/\(id)").status == .notFound)
            let trash = try Self.json(try await api.get(Self.base + "/trash"))
            #expect(trash["total"] as? Int == 1)
            // Its house number is free again while it is in the trash...
            let taken = try await Self.send(api, .POST, Self.base + "/records", json: #"{"house_no": "7"}"#)
            #expect(taken.status == .created)
            // ...so bringing it back would clash, and is refused with the reason.
            let clash = try await Self.send(api, .POST, Self.base + "/trash/\(id)/restore", json: nil)
            #expect(clash.status == .unprocessableEntity)
            let takenID = try #require(try Self.json(taken)["id"] as? String)
            _ = try await Self.send(api, .DELETE, Self.base + "/records/\(takenID)", json: nil)
            let back = try await Self.send(api, .POST, Self.base + "/trash/\(id)/restore", json: nil)
            #expect(back.status == .ok)
            #expect(try await api.get(Self.base + "/records/\(id)").status == .ok)
        }
    }

    @Test("Import CSV in TIS-620 and UTF-8 with BOM: all-or-nothing, valid rows, update by key", arguments: Engine.available)
    func importCSV(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            // Headers by Thai label, Thai digits, BE dates; row 3 has a bad ID and row 4 a negative count.
            let text = "บ้านเลขที่,เลขประจำตัวประชาชนเจ้าบ้าน,จำนวนสมาชิก,วันที่สำรวจ\r\n" +
                "๑/๑,\(Self.validID),๓,15/03/2566\r\n" +
                "1/2,1234567890123,2,16 มี.ค. 2566\r\n" +
                "1/3,,-4,2023-03-17\r\n" +
                "1/4,,1,45000\r\n"
            let tis = try ThaiTextCodec.encodeWindows874(text)
            let all = try await Self.send(api, .POST, Self.base + "/import?mode=all_or_nothing", body: ByteBuffer(bytes: tis), type: "text/csv")
            #expect(all.status == .unprocessableEntity)
            let report = try Self.json(all)
            #expect(report["imported"] as? Int == 0)
            let rejected = try #require(report["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["row"] as? Int } == [3, 4])
            #expect(rejected.map { $0["column"] as? String } == ["owner_id", "members"])
            #expect(try Self.json(try await api.get(Self.base + "/records"))["total"] as? Int == 0)

            let valid = try await Self.send(api, .POST, Self.base + "/import?mode=valid_rows", body: ByteBuffer(bytes: tis), type: "text/csv")
            #expect(valid.status == .ok, "\(valid.body)")
            #expect(try Self.json(valid)["imported"] as? Int == 2)
            // Text keeps the Thai digits as typed; search and unique keys read them as 1/1.
            let first = try Self.json(try await api.get(Self.base + "/records?q=1%2F1"))
            #expect(first["total"] as? Int == 1)
            let firstValues = (first["items"] as? [[String: Any]])?.first?["values"] as? [String: Any]
            #expect(firstValues?["members"] as? Int == 3)
            #expect(firstValues?["surveyed_on"] as? String == "2023-03-15")
            let fourth = try Self.json(try await api.get(Self.base + "/records?house_no=1%2F4"))
            #expect(((fourth["items"] as? [[String: Any]])?.first?["values"] as? [String: Any])?["surveyed_on"] as? String == "2023-03-15")

            // Update by key, from UTF-8 with a byte-order mark and English keys as headers.
            let update = Data([0xEF, 0xBB, 0xBF]) + Data("house_no,members\n1/1,9\n9/9,1\n".utf8)
            let updated = try await Self.send(api, .POST, Self.base + "/import?mode=valid_rows&key=house_no", body: ByteBuffer(data: update), type: "text/csv")
            let u = try Self.json(updated)
            #expect(u["updated"] as? Int == 1)
            #expect(u["imported"] as? Int == 1)
            let after = try Self.json(try await api.get(Self.base + "/records?q=1%2F1"))
            let afterValues = (after["items"] as? [[String: Any]])?.first?["values"] as? [String: Any]
            #expect(afterValues?["members"] as? Int == 9)
            #expect(afterValues?["surveyed_on"] as? String == "2023-03-15")   // kept

            #expect(try await Self.send(api, .POST, Self.base + "/import", body: ByteBuffer(), type: "text/csv").status == .badRequest)
            #expect(try await Self.send(api, .POST, Self.base + "/import?mode=sometimes", body: ByteBuffer(string: "a\n1"), type: "text/csv").status == .badRequest)
            let unrelated = try await Self.send(api, .POST, Self.base + "/import", body: ByteBuffer(string: "x,y\n1,2\n"), type: "text/csv")
            #expect(unrelated.status == .unprocessableEntity)
        }
    }

    @Test("Import XLSX; export CSV with BOM, XLSX, GeoJSON and JSON", arguments: Engine.available)
    func xlsxAndExport(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hh-\(UUID().uuidString).xlsx")
            let w = try XLSXWriter(url: file)
            try w.writeHeader(["บ้านเลขที่", "จำนวนสมาชิก", "วันที่สำรวจ", "location"])
            try w.writeRow([.text("5/1"), .number(3, raw: "3"), .date(try CalendarDay(year: 2024, month: 1, day: 31)), .text("14.68, 102.53")])
            try w.writeRow([.text("5/2"), .number(1, raw: "1"), .empty, .empty])
            try w.finish()
            let data = try Data(contentsOf: file)
            let imported = try await Self.send(api, .POST, Self.base + "/import?mode=all_or_nothing", body: ByteBuffer(data: data),
                                               type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(imported.status == .ok, "\(imported.body)")
            #expect(try Self.json(imported)["imported"] as? Int == 2)

            let csv = try await api.get(Self.base + "/export?format=csv")
            #expect(csv.status == .ok)
            #expect(csv.body.hasPrefix("\u{FEFF}id,house_no"))
            #expect(csv.body.contains("2024-01-31"))
            let xlsx = try await api.get(Self.base + "/export?format=xlsx")
            #expect(xlsx.headers.first(name: .contentType)?.contains("spreadsheetml") == true)
            let sheet = try XLSXWorkbook(data: xlsx.bytes).rows()
            #expect(sheet.first?.textValues.first == "บ้านเลขที่")
            #expect(sheet.count == 3)
            #expect(sheet.dropFirst().contains { $0.cells.contains(.date(try! CalendarDay(year: 2024, month: 1, day: 31))) })
            let geo = try JSONSerialization.jsonObject(with: Data(try await api.get(Self.base + "/export?format=geojson").body.utf8)) as? [String: Any]
            #expect(geo?["type"] as? String == "FeatureCollection")
            let features = geo?["features"] as? [[String: Any]]
            #expect(features?.count == 2)
            let point = features?.compactMap { ($0["geometry"] as? [String: Any])?["coordinates"] as? [Double] }.first
            #expect(point == [102.53, 14.68])
            let json = try Self.json(try await api.get(Self.base + "/export?format=json&members=3"))
            #expect((json["items"] as? [Any])?.count == 1)
            #expect(try await api.get(Self.base + "/export?format=pdf").status == .badRequest)

            // Points and areas: a plot with only its boundary is a polygon feature, one with its
            // marker a point feature (its boundary then among the properties).
            _ = try await Self.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "plots", "title": {"th": "แปลง", "en": "Plots"}, "fields": [{"key": "name", "type": "text"}, {"key": "marker", "type": "point"}, {"key": "boundary", "type": "area"}]}"#)
            let square = #"{"type": "Polygon", "coordinates": [[[102.5, 14.6], [102.6, 14.6], [102.6, 14.7], [102.5, 14.6]]]}"#
            #expect(try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/plots/records", json: #"{"name": "แปลง ก", "boundary": \#(square)}"#).status == .created)
            #expect(try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/plots/records", json: #"{"name": "แปลง ข", "marker": {"lat": 14.65, "lon": 102.55}, "boundary": \#(square)}"#).status == .created)
            let plots = try JSONSerialization.jsonObject(with: Data(try await api.get("/api/v1/t/nongki/datasets/plots/export?format=geojson").body.utf8)) as? [String: Any]
            let byName = Dictionary(uniqueKeysWithValues: ((plots?["features"] as? [[String: Any]]) ?? []).map {
                (($0["properties"] as? [String: Any])?["name"] as? String ?? "", ($0["geometry"] as? [String: Any])?["type"] as? String)
            })
            #expect(byName == ["แปลง ก": "Polygon", "แปลง ข": "Point"])
        }
    }

    /// A dataset `wells` with one text field, and `count` wells imported into it ("บ่อ 1", ...).
    static func importWells(_ api: Browser, _ count: Int) async throws {
        _ = try await send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "wells", "title": {"th": "บ่อน้ำ", "en": "Wells"}, "fields": [{"key": "name", "type": "text"}]}"#)
        let csv = "name\n" + (1...count).map { "บ่อ \($0)\n" }.joined()
        let imported = try json(try await send(api, .POST, "/api/v1/t/nongki/datasets/wells/import?mode=all_or_nothing", body: ByteBuffer(string: csv), type: "text/csv"))
        #expect(imported["imported"] as? Int == count)
    }

    @Test("An export past its first pages gives every record once, in creation order", arguments: Engine.available)
    func exportPages(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            let count = 2 * DatasetExportEndpoint.pageSize + 5
            try await Self.importWells(api, count)
            let gone = try Self.json(try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/wells/records", json: #"{"name": "ลบ"}"#))
            _ = try await Self.send(api, .DELETE, "/api/v1/t/nongki/datasets/wells/records/\(gone["id"] as? String ?? "")")
            _ = try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/wells/records", json: #"{"name": "ใหม่"}"#)
            let items = try Self.json(try await api.get("/api/v1/t/nongki/datasets/wells/export?format=json"))["items"] as? [[String: Any]] ?? []
            let names = items.compactMap { ($0["values"] as? [String: Any])?["name"] as? String }
            #expect(names == (1...count).map { "บ่อ \($0)" } + ["ใหม่"])
            let ids = items.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == count + 1)
        }
    }

    @Test("A CSV cell a spreadsheet would run as a formula gets an apostrophe; numbers keep their sign")
    func csvCellsAreNotFormulas() {
        for text in ["=HYPERLINK(\"http://x\")", "+66812345678", "-1", "@SUM(A1)", "\tx", "\rx"] {
            #expect(DatasetExportEndpoint.csvCell(.text(text)) == "'" + text)
        }
        #expect(DatasetExportEndpoint.csvCell(.text("บ้าน =1")) == "บ้าน =1")
        #expect(DatasetExportEndpoint.csvCell(.integer(-5)) == "-5")
        #expect(DatasetExportEndpoint.csvCell(.decimal(Decimal(string: "-1.5")!)) == "-1.5")
        #expect(DatasetExportEndpoint.csvCell(nil) == "")
        // Digits Excel would change keep their form as a text formula; others stay plain.
        #expect(DatasetExportEndpoint.csvCell(.phone("0812345678")) == "=\"0812345678\"")
        #expect(DatasetExportEndpoint.csvCell(.text("0012")) == "=\"0012\"")
        #expect(DatasetExportEndpoint.csvCell(.text("123456789012")) == "=\"123456789012\"")
        #expect(DatasetExportEndpoint.csvCell(.text("12345")) == "12345")
        #expect(DatasetExportEndpoint.csvCell(.text("0")) == "0")
        // House numbers Excel would take for dates.
        for text in ["1/2", "12/3", "1-2", "99/1/3"] { #expect(DatasetExportEndpoint.csvCell(.text(text)) == "=\"\(text)\"", "\(text)") }
        for text in ["12345-67-1", "12/3ก", "1/2-3", "/2", "12345/6"] { #expect(!DatasetExportEndpoint.csvCell(.text(text)).hasPrefix("=\""), "\(text)") }
    }

    @Test("An export's page is read from an index in id order, not sorted again; a large import leaves PostgreSQL statistics to plan it by",
          arguments: Engine.available)
    func exportPagesFollowAnIndex(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            try await Self.importWells(api, ImportService.analyzeFrom)
            let sql = try #require(app.db as? any SQLDatabase)
            let d = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "wells").first())
            let id = try d.requireID()
            struct Row: Decodable { let id: UUID }
            let after = try #require(try await sql.raw("SELECT id FROM dataset_records WHERE dataset_id = \(bind: id) ORDER BY id LIMIT 1 OFFSET \(literal: DatasetExportEndpoint.pageSize - 1)").first(decoding: Row.self)).id
            // The second page of `DatasetExportEndpoint.pages`, as Fluent writes it.
            let page: SQLQueryString = """
                SELECT * FROM dataset_records WHERE tenant_id = \(bind: d.tenantID) AND dataset_id = \(bind: id) AND deleted_at IS NULL
                AND id > \(bind: after) ORDER BY id LIMIT \(literal: DatasetExportEndpoint.pageSize)
                """
            if engine == .postgres {
                // Analysed after the import's commit, in the background: wait for it, then plan.
                struct Analysed: Decodable { let n: Int }
                let tables = [M0009RecordPartitions.partition(of: id), ValueColumns.table(of: id)]
                var analysed = 0
                for _ in 0..<200 where analysed < tables.count {
                    try await Task.sleep(for: .milliseconds(50))
                    analysed = try await sql.raw("SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN (\(binds: tables))")
                        .first(decoding: Analysed.self)?.n ?? 0
                }
                #expect(analysed == tables.count)
                struct Plan: Decodable {
                    let line: String
                    enum CodingKeys: String, CodingKey { case line = "QUERY PLAN" }
                }
                let plan = try await sql.raw("EXPLAIN " + page).all(decoding: Plan.self).map(\.line)
                #expect(plan.contains { $0.contains("Index Scan using \(tables[0])_pkey") }, "\(plan)")
                #expect(!plan.contains { $0.contains("Sort") }, "\(plan)")
            } else {
                struct Step: Decodable { let detail: String }
                let plan = try await sql.raw("EXPLAIN QUERY PLAN " + page).all(decoding: Step.self).map(\.detail)
                #expect(plan.contains { $0.contains("dataset_records_list") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            }
        }
    }

    @Test("Restore a whole dataset to a moment: undo a bad import, other datasets untouched", arguments: Engine.available)
    func pointInTime(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Self.setUp(app)
            _ = try await Self.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "wells", "title": {"th": "บ่อน้ำ", "en": "Wells"}, "fields": [{"key": "name", "type": "text"}]}"#)
            _ = try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/wells/records", json: #"{"name": "บ่อ 1"}"#)
            let kept = try Self.json(try await Self.send(api, .POST, Self.base + "/records", json: #"{"house_no": "1", "members": 1}"#))
            let keptID = try #require(kept["id"] as? String)
            try await Task.sleep(for: .milliseconds(20))
            let moment = ISO8601DateFormatter.withFraction.string(from: Date())
            try await Task.sleep(for: .milliseconds(20))
            _ = try await Self.send(api, .PATCH, Self.base + "/records/\(keptID)", json: #"{"members": 8}"#)
            _ = try await Self.send(api, .POST, Self.base + "/import?mode=valid_rows", body: ByteBuffer(string: "house_no\n2\n3\n4\n"), type: "text/csv")
            _ = try await Self.send(api, .POST, "/api/v1/t/nongki/datasets/wells/records", json: #"{"name": "บ่อ 2"}"#)
            #expect(try Self.json(try await api.get(Self.base + "/records"))["total"] as? Int == 4)

            let restored = try await Self.send(api, .POST, Self.base + "/restore?at=\(Browser.escape(moment))", json: nil)
            #expect(restored.status == .ok, "\(restored.body)")
            #expect(try Self.json(restored)["restored"] as? Int == 4)
            let now = try Self.json(try await api.get(Self.base + "/records"))
            #expect(now["total"] as? Int == 1)
            #expect((((now["items"] as? [[String: Any]])?.first)?["values"] as? [String: Any])?["members"] as? Int == 1)
            #expect(try Self.json(try await api.get("/api/v1/t/nongki/datasets/wells/records"))["total"] as? Int == 2)
            // The undone rows wait in the trash, and the restore itself is in each record's history.
            #expect(try Self.json(try await api.get(Self.base + "/trash"))["total"] as? Int == 3)
            let history = try Self.json(try await api.get(Self.base + "/records/\(keptID)/history"))
            #expect((history["items"] as? [[String: Any]])?.last?["action"] as? String == "restore-dataset")
            #expect(try await Self.send(api, .POST, Self.base + "/restore?at=yesterday", json: nil).status == .badRequest)
        }
    }

    @Test("Division staff edit their own division's datasets; executives read; volunteers see their villages", arguments: Engine.available)
    func permissions(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Self.setUp(app)   // owned by the health division, where the demo staff member works
            _ = try await Self.send(admin, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "roads", "title": {"th": "ถนน", "en": "Roads"}, "division": "engineering", "fields": [{"key": "name", "type": "text"}]}"#)
            let staff = try await Browser.withToken(app, "nongki", .staff)
            #expect(try await Self.send(staff, .POST, Self.base + "/records", json: #"{"house_no": "s1"}"#).status == .created)
            #expect(try await staff.get("/api/v1/t/nongki/datasets/roads").status == .notFound)
            #expect(try await Self.send(staff, .POST, "/api/v1/t/nongki/datasets/roads/records", json: #"{"name": "x"}"#).status == .notFound)
            let listed = try Self.json(try await staff.get("/api/v1/t/nongki/datasets"))
            #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["hh", "households"])
            let exec = try await Browser.withToken(app, "nongki", .executive)
            #expect(try await exec.get("/api/v1/t/nongki/datasets/roads/records").status == .ok)
            #expect(try await Self.send(exec, .POST, Self.base + "/records", json: #"{"house_no": "e1"}"#).status == .forbidden)

            // Volunteers see the records of their own villages only.
            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "nongki")
            let villages = try await Village.query(on: app.db).filter(\.$tenantID == tenant.requireID()).sort(\.$number).all()
            let volunteerUser = try await User.query(on: app.db).filter(\.$tenantID == tenant.requireID()).filter(\.$username == "volunteer").first()
            let mine = try await UserVillage.query(on: app.db).filter(\.$userID == volunteerUser!.requireID()).all().map(\.villageID)
            let other = try #require(villages.first { !mine.contains($0.id!) })
            _ = try await Self.send(admin, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "fever", "title": {"th": "ไข้", "en": "Fever"}, "fields": [{"key": "name", "type": "text"}, {"key": "village", "type": "village"}]}"#)
            _ = try await Self.send(admin, .POST, "/api/v1/t/nongki/datasets/fever/records", json: #"{"name": "mine", "village": "\#(mine[0].uuidString)"}"#)
            _ = try await Self.send(admin, .POST, "/api/v1/t/nongki/datasets/fever/records", json: #"{"name": "theirs", "village": "\#(other.id!.uuidString)"}"#)
            let volunteer = try await Browser.withToken(app, "nongki", .volunteer)
            let seen = try Self.json(try await volunteer.get("/api/v1/t/nongki/datasets/fever/records"))
            #expect(seen["total"] as? Int == 1)
            #expect(seen.description.contains("mine") && !seen.description.contains("theirs"))
            #expect(try Self.json(try await volunteer.get("/api/v1/t/nongki/datasets/hh/records"))["total"] as? Int == 0)
            // The list of datasets counts only what the volunteer can open.
            let list = try await Browser.signedIn(app, "nongki", .volunteer).get("/t/nongki/datasets")
            let row = try #require(list.body.range(of: #"(?s)/t/nongki/datasets/fever".*?</tr>"#, options: .regularExpression).map { String(list.body[$0]) })
            #expect(row.hasSuffix("<td>1</td></tr>"), "\(row)")
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFraction: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}
