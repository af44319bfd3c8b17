import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp
import Datasets
import Tabular
import ThaiConventions

/// What the black-box audits of the city database found, each pinned on both engines.
@Suite("City database: audit findings")
struct CityDatabaseAuditFixTests {
    typealias API = CityDatabaseAPITests

    static func values(_ api: Browser, _ id: String) async throws -> [String: Any] {
        try #require(try API.json(try await api.get(API.base + "/records/\(id)"))["values"] as? [String: Any])
    }

    @Test("A dataset restore that swaps unique values between records works; one that would duplicate a value is refused", arguments: Engine.available)
    func restoreSwapsUniqueValues(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let a = try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "1"}"#))["id"] as? String)
            let b = try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "2"}"#))["id"] as? String)
            try await Task.sleep(for: .milliseconds(20))
            let moment = InstantText.format(Date())
            try await Task.sleep(for: .milliseconds(20))
            // Swap through a free value: a = 2, b = 1.
            #expect(try await API.send(api, .PATCH, API.base + "/records/\(a)", json: #"{"house_no": "3"}"#).status == .ok)
            #expect(try await API.send(api, .PATCH, API.base + "/records/\(b)", json: #"{"house_no": "1"}"#).status == .ok)
            #expect(try await API.send(api, .PATCH, API.base + "/records/\(a)", json: #"{"house_no": "2"}"#).status == .ok)

            let restored = try await API.send(api, .POST, API.base + "/restore?at=\(Browser.escape(moment))", json: nil)
            #expect(restored.status == .ok, "\(restored.body)")
            #expect(try API.json(restored)["restored"] as? Int == 2)
            #expect(try await Self.values(api, a)["house_no"] as? String == "1")
            #expect(try await Self.values(api, b)["house_no"] as? String == "2")
            // The keys follow: the values are still unique, and taken.
            let clash = try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "1"}"#)
            #expect(clash.status == .unprocessableEntity)

            // A field made unique after the moment: restoring the duplicates it then held is refused, unchanged.
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "shops", "title": {"th": "ร้าน", "en": "Shops"}, "fields": [{"key": "name", "type": "text"}]}"#)
            let shops = "/api/v1/t/nongki/datasets/shops"
            _ = try await API.send(api, .POST, shops + "/records", json: #"{"name": "ร้านป้าแดง"}"#)
            let second = try #require(try API.json(try await API.send(api, .POST, shops + "/records", json: #"{"name": "ร้านป้าแดง"}"#))["id"] as? String)
            try await Task.sleep(for: .milliseconds(20))
            let before = InstantText.format(Date())
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await API.send(api, .PATCH, shops + "/records/\(second)", json: #"{"name": "ร้านลุงดำ"}"#).status == .ok)
            let unique = try await API.send(api, .PUT, shops + "/fields", json: #"{"fields": [{"key": "name", "type": "text", "unique": true}]}"#)
            #expect(unique.status == .ok, "\(unique.body)")
            // Made unique, the field is enforced on the values records already hold.
            let same = try await API.send(api, .POST, shops + "/records", json: #"{"name": "ร้านลุงดำ"}"#)
            #expect(same.status == .unprocessableEntity, "\(same.body)")
            let refused = try await API.send(api, .POST, shops + "/restore?at=\(Browser.escape(before))", json: nil)
            #expect(refused.status == .unprocessableEntity, "\(refused.body)")
            #expect(refused.body.contains("ร้านป้าแดง"))
            let error = try #require(try API.json(refused)["error"] as? [String: String])
            #expect(error["th"]?.isEmpty == false && error["en"]?.isEmpty == false)
            let now = try #require(try API.json(try await api.get(shops + "/records/\(second)"))["values"] as? [String: Any])
            #expect(now["name"] as? String == "ร้านลุงดำ")

            // A field cannot be made unique while records share a value: refused with the records.
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "wells", "title": {"th": "บ่อ", "en": "Wells"}, "fields": [{"key": "code", "type": "text"}]}"#)
            let wells = "/api/v1/t/nongki/datasets/wells"
            _ = try await API.send(api, .POST, wells + "/records", json: #"{"code": "W-1"}"#)
            let twin = try #require(try API.json(try await API.send(api, .POST, wells + "/records", json: #"{"code": " W-1 "}"#))["id"] as? String)
            let blocked = try await API.send(api, .PUT, wells + "/fields", json: #"{"fields": [{"key": "code", "type": "text", "unique": true}]}"#)
            #expect(blocked.status == .conflict, "\(blocked.body)")
            #expect((try API.json(blocked)["records"] as? [[String: Any]])?.compactMap { ($0["id"] as? String)?.lowercased() } == [twin.lowercased()])
            let fields = try #require(try API.json(try await api.get(wells))["fields"] as? [[String: Any]])
            #expect(fields.first?["unique"] as? Bool != true)
        }
    }

    @Test("A version's `at` restores the dataset to include that version, to the millisecond", arguments: Engine.available)
    func historyInstantRestoresThatVersion(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let id = try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "1", "members": 1}"#))["id"] as? String)
            // Three changes well within one second: whole seconds would land on the wrong one.
            for n in 2...4 {
                #expect(try await API.send(api, .PATCH, API.base + "/records/\(id)", json: #"{"members": \#(n)}"#).status == .ok)
            }
            let items = try #require(try API.json(try await api.get(API.base + "/records/\(id)/history"))["items"] as? [[String: Any]])
            #expect(items.count == 4)
            let third = try #require(items.first { $0["version"] as? Int == 3 })
            let at = try #require(third["at"] as? String)
            #expect(at.contains("."), "\(at)")   // milliseconds
            let restored = try await API.send(api, .POST, API.base + "/restore?at=\(Browser.escape(at))", json: nil)
            #expect(restored.status == .ok, "\(restored.body)")
            #expect(try await Self.values(api, id)["members"] as? Int == 3)
        }
    }

    @Test("`?at=` takes the forms people type: Bangkok time without an offset, a space, minutes only, a `+` read as a space")
    func instantForms() throws {
        let exact = try #require(InstantText.parse("2026-11-23T10:05:00+07:00"))
        #expect(exact == Date(timeIntervalSince1970: 1_795_403_100))
        for form in ["2026-11-23T10:05:00", "2026-11-23 10:05:00", "2026-11-23T10:05", "2026-11-23 10:05",
                     "2026-11-23T10:05:00 07:00", "2026-11-23T03:05:00Z", "2026-11-23T03:05:00.000Z", "23/11/2569 10:05",
                     "๒๓/๑๑/๒๕๖๙ ๑๐:๐๕"] {
            #expect(InstantText.parse(form) == exact, "\(form)")
        }
        #expect(InstantText.parse("2026-11-23T10:05:00.25+07:00") == exact.addingTimeInterval(0.25))
        #expect(InstantText.parse("2026-11-23") == BangkokTime.startOfDay(try CalendarDay(iso8601: "2026-11-23")))
        for bad in ["yesterday", "", "2026-13-01T00:00:00Z", "2026-11-23T25:00", "2026-11-23T10:05:00.x", String(repeating: "1", count: 100)] {
            #expect(InstantText.parse(bad) == nil, "\(bad)")
        }
        // Printed to the millisecond; rounded up, it is never before the instant itself.
        let t = Date(timeIntervalSince1970: 1_795_403_100.1234567)
        #expect(InstantText.format(t) == "2026-11-23T03:05:00.123Z")
        #expect(InstantText.format(t, roundingUp: true) == "2026-11-23T03:05:00.124Z")
        for _ in 0..<1000 {
            let r = Date(timeIntervalSince1970: Double.random(in: 1_700_000_000...1_900_000_000))
            #expect(try #require(InstantText.parse(InstantText.format(r, roundingUp: true))) > r)
            #expect(try #require(InstantText.parse(InstantText.format(r))) <= r)
        }
    }

    @Test("An empty PATCH, or a change to the same values, is no new version", arguments: Engine.available)
    func noOpChanges(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let id = try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "1", "members": 2}"#))["id"] as? String)
            for body in ["{}", #"{"members": 2}"#, #"{"house_no": "1"}"#] {
                let page = try await API.send(api, .PATCH, API.base + "/records/\(id)", json: body)
                #expect(page.status == .ok)
                #expect(try API.json(page)["version"] as? Int == 1, "\(body)")
            }
            #expect(try await API.send(api, .PATCH, API.base + "/records/\(id)", json: #"{"members": 3}"#).status == .ok)
            let items = try #require(try API.json(try await api.get(API.base + "/records/\(id)/history"))["items"] as? [[String: Any]])
            #expect(items.map { $0["version"] as? Int } == [1, 2])
        }
    }

    @Test("A file field holds a stored file of the dataset or a web link, not any text", arguments: Engine.available)
    func fileValues(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "docs", "title": {"th": "เอกสาร", "en": "Documents"}, "fields": [{"key": "name", "type": "text"}, {"key": "scan", "type": "file"}]}"#)
            #expect(made.status == .created)
            let docs = "/api/v1/t/nongki/datasets/docs"
            let link = try await API.send(api, .POST, docs + "/records", json: #"{"name": "a", "scan": "https://www.nongki.go.th/scan/1.pdf"}"#)
            #expect(link.status == .created, "\(link.body)")
            for bad in ["photo1.jpg", "javascript:alert(1)", "file:not-an-id", "file:\(UUID().uuidString)"] {
                let page = try await API.send(api, .POST, docs + "/records", json: #"{"name": "b", "scan": "\#(bad)"}"#)
                #expect(page.status == .unprocessableEntity, "\(bad): \(page.status) \(page.body)")
                let error = try #require(try API.json(page)["error"] as? [String: String])
                #expect(error["th"]?.isEmpty == false && error["en"]?.isEmpty == false)
            }
            // A file stored with the dataset is accepted, by its id in either case.
            let dataset = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "docs").first())
            let f = RecordFile()
            f.id = UUID(); f.tenantID = dataset.tenantID; f.datasetID = try dataset.requireID(); f.filename = "scan.pdf"
            f.contentType = "application/pdf"; f.data = Data("%PDF-1.4".utf8); f.createdAt = Date()
            try await f.create(on: app.db)
            let stored = try await API.send(api, .POST, docs + "/records", json: #"{"name": "c", "scan": "file:\#(try f.requireID().uuidString)"}"#)
            #expect(stored.status == .created, "\(stored.body)")
            #expect((try API.json(stored)["values"] as? [String: Any])?["scan"] as? String == "file:" + (try f.requireID()).uuidString.lowercased())
            #expect(try await DatasetRecord.query(on: app.db).filter(\.$datasetID == dataset.requireID()).count() == 2)
        }
    }

    @Test("A running job answers `result: null`; the JSON export has its total; exports write ids as the API does", arguments: Engine.available)
    func shapes(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let dataset = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "hh").first())
            let job = DatasetJob()
            job.id = UUID(); job.tenantID = dataset.tenantID; job.datasetID = try dataset.requireID(); job.kind = "import"
            job.status = "running"; job.progress = 0.25; job.actor = "admin"; job.createdAt = Date()
            try await job.create(on: app.db)
            let running = try await api.get("/api/v1/t/nongki/jobs/\(try job.requireID())")
            #expect(running.status == .ok)
            let status = try API.json(running)
            #expect(status.keys.contains("result") && status["result"] is NSNull, "\(running.body)")
            #expect(status["status"] as? String == "running")
            // The job ends, but its row cannot be written (a full disk): the API and the job's
            // page tell how it ended from memory, not "running" for ever; then from the row.
            let failed = DatasetJob.failureJSON(.init(th: "พื้นที่เต็ม", en: "Storage full"))
            app.jobRegistry.end(try job.requireID(), .init(status: "failed", resultJSON: failed, progress: 0.4))
            let ended = try API.json(try await api.get("/api/v1/t/nongki/jobs/\(try job.requireID())"))
            #expect(ended["status"] as? String == "failed" && ended["progress"] as? Double == 0.4, "\(ended)")
            #expect((ended["error"] as? [String: Any])?["en"] as? String == "Storage full")
            let person = try await Browser.signedIn(app, "nongki", .admin)
            let page = try await person.get("/t/nongki/jobs/\(try job.requireID())")
            #expect(page.body.contains(#"data-status="failed""#) && (page.body.contains("Storage full") || page.body.contains("พื้นที่เต็ม")), "\(page.status)")
            app.jobRegistry.recorded(try job.requireID())
            #expect(try API.json(try await api.get("/api/v1/t/nongki/jobs/\(try job.requireID())"))["status"] as? String == "running")

            var ids: [String] = []
            for n in 1...3 {
                ids.append(try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "\#(n)"}"#))["id"] as? String))
            }
            let json = try API.json(try await api.get(API.base + "/export?format=json"))
            #expect(json["total"] as? Int == 3)
            #expect((json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ids)
            let filtered = try API.json(try await api.get(API.base + "/export?format=json&house_no=2"))
            #expect(filtered["total"] as? Int == 1)
            let csv = try await api.get(API.base + "/export?format=csv")
            for id in ids { #expect(csv.body.contains(id), "\(id) as the API writes it") }
            let geojson = try await api.get(API.base + "/export?format=geojson")
            for id in ids { #expect(geojson.body.contains("\"\(id)\"")) }
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("CSV and XLSX exports import back unchanged: phones keep their leading zero, IDs their digits, date-times their time", arguments: Engine.available)
    func exportsImportBack(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let fields = #"[{"key": "name", "type": "text"}, {"key": "phone", "type": "phone"}, {"key": "citizen", "type": "thai_id"}, {"key": "code", "type": "text"}, {"key": "seen", "type": "datetime"}, {"key": "day", "type": "date"}, {"key": "note", "type": "text"}, {"key": "house", "type": "text"}]"#
            for slug in ["people", "from-csv", "from-xlsx"] {
                let made = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "\#(slug)", "title": {"th": "คน", "en": "People"}, "fields": \#(fields)}"#)
                #expect(made.status == .created, "\(made.body)")
            }
            let people = "/api/v1/t/nongki/datasets/people"
            for body in [#"{"name": "นายหนึ่ง", "phone": "0812345678", "citizen": "1101700000010", "code": "00123", "seen": "2026-11-23T08:30:15+07:00", "day": "2026-11-23", "note": "-", "house": "12/3"}"#,
                         #"{"name": "นางสอง", "phone": "044-123-456", "code": "12345", "seen": "2025-01-01T00:00:00+07:00", "note": "=SUM(A1)", "house": "1-2"}"#] {
                #expect(try await API.send(api, .POST, people + "/records", json: body).status == .created)
            }
            func values(_ slug: String) async throws -> [[String: String]] {
                let items = try #require(try API.json(try await api.get("/api/v1/t/nongki/datasets/\(slug)/records"))["items"] as? [[String: Any]])
                return items.map { item in ((item["values"] as? [String: Any]) ?? [:]).mapValues { "\($0)" } }
                    .sorted { ($0["name"] ?? "") < ($1["name"] ?? "") }
            }
            let original = try await values("people")
            #expect(original.count == 2)

            let csv = try await api.get(people + "/export?format=csv")
            // `="0812345678"`, quoted as CSV quotes a cell with quotes in it.
            for digits in ["0812345678", "1101700000010", "00123"] { #expect(csv.body.contains(#""=""\#(digits)""""#), "\(digits)") }
            #expect(csv.body.contains(",12345,"))
            // Text a spreadsheet would run gets an apostrophe, house numbers it would take for dates the text formula.
            #expect(csv.body.contains(",'-,") && csv.body.contains(",'=SUM(A1),"))
            #expect(csv.body.contains(#""=""12/3""""#) && csv.body.contains(#""=""1-2""""#))
            let intoCSV = try await API.send(api, .POST, "/api/v1/t/nongki/datasets/from-csv/import?mode=all_or_nothing", body: ByteBuffer(string: csv.body), type: "text/csv")
            #expect(intoCSV.status == .ok, "\(intoCSV.body)")
            #expect(try await values("from-csv") == original)

            let xlsx = try await api.get(people + "/export?format=xlsx")
            #expect(xlsx.status == .ok)
            // The date-time is a date-time cell (a number with a date-time style), not ISO text.
            let rows = try XLSXWorkbook(data: xlsx.bytes).rows()
            let seenColumn = try #require(rows.first?.textValues.firstIndex { $0.contains("seen") })
            #expect(rows.dropFirst().contains { if case .dateTime = $0[seenColumn] { true } else { false } }, "\(rows)")
            let intoXLSX = try await API.send(api, .POST, "/api/v1/t/nongki/datasets/from-xlsx/import?mode=all_or_nothing", body: ByteBuffer(data: xlsx.bytes),
                                              type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(intoXLSX.status == .ok, "\(intoXLSX.body)")
            #expect(try await values("from-xlsx") == original)
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("An import says which columns no field took, and rejects a row with values past the header", arguments: Engine.available)
    func nothingLeftOutUnsaid(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let csv = "house_no,members,หมายเหตุ,\n1,2,ไม่มี,\n2,3,,,\n3,4,x,,เกิน\n"
            let page = try await API.send(api, .POST, API.base + "/import?mode=valid_rows", body: ByteBuffer(string: csv), type: "text/csv")
            #expect(page.status == .ok, "\(page.body)")
            let result = try API.json(page)
            #expect(result["imported"] as? Int == 2)
            #expect(result["ignoredColumns"] as? [String] == ["หมายเหตุ"])
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1 && rejected.first?["row"] as? Int == 4 && !(rejected.first?["column"] is String), "\(rejected)")
            #expect(((rejected.first?["reason"] as? [String: String])?["th"] ?? "").contains("เกิน"))
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("Without JavaScript, “add a field” shows the designer again as typed with more rows, and creates nothing", arguments: Engine.available)
    func designerMoreRowsWithoutScript(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "nongki", .admin)
            var fields: [(String, String)] = [("titleTH", "ทะเบียนกว้าง"), ("slug", "wide"), ("more", "1")]
            for i in 0..<10 { fields += [("fields[\(i)][key]", "f\(i)"), ("fields[\(i)][type]", "text")] }
            let page = try await admin.post("/t/nongki/datasets", fields)
            #expect(page.status == .ok)
            #expect(page.body.contains("name=\"fields[14][key]\"") && !page.body.contains("name=\"fields[15][key]\""))
            #expect(page.body.contains("value=\"f9\"") && page.body.contains("value=\"ทะเบียนกว้าง\""))
            #expect(try await Dataset.query(on: app.db).filter(\.$slug == "wide").count() == 0)
            // Posted without `more`, the same rows create the dataset.
            let created = try await admin.post("/t/nongki/datasets", fields.filter { $0.0 != "more" })
            #expect(created.status.code < 400, "\(created.status)")
            let d = try #require(try await Dataset.query(on: app.db).filter(\.$slug == "wide").first())
            #expect(try DatasetService.schema(of: d).fields.count == 10)
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("Sorting by a text field follows the Thai dictionary: a leading vowel after its consonant, tone marks aside", arguments: Engine.available)
    func thaiSortOrder(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "words", "title": {"th": "คำ", "en": "Words"}, "fields": [{"key": "word", "type": "text"}, {"key": "n", "type": "integer"}]}"#)
            let words = "/api/v1/t/nongki/datasets/words"
            for (i, w) in ["ไก่", "กา", "เขา", "ขาว", "ก่อ", "คน", "แกง", "ก้าน"].enumerated() {
                #expect(try await API.send(api, .POST, words + "/records", json: #"{"word": "\#(w)", "n": \#(10 - i)}"#).status == .created)
            }
            func order(_ query: String) async throws -> [String] {
                let items = try #require(try API.json(try await api.get(words + "/records?" + query))["items"] as? [[String: Any]])
                return items.compactMap { ($0["values"] as? [String: Any])?["word"] as? String }
            }
            let dictionary = ["ก่อ", "กา", "ก้าน", "แกง", "ไก่", "ขาว", "เขา", "คน"]
            #expect(try await order("sort=word") == dictionary)
            #expect(try await order("sort=word&order=desc") == dictionary.reversed())
            // Numbers still sort as numbers.
            #expect(try await order("sort=n") == ["ก้าน", "แกง", "คน", "ก่อ", "ขาว", "เขา", "กา", "ไก่"])
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("Writes racing on one record or one unique value: one wins, the others are told to retry (409), never a 500", arguments: Engine.available)
    func racingWrites(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            let id = try #require(try API.json(try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "1", "members": 0}"#))["id"] as? String)
            func statuses(_ n: Int, _ request: @escaping @Sendable (Int) async throws -> Browser.Page) async throws -> [UInt] {
                try await withThrowingTaskGroup(of: UInt.self) { group in
                    for i in 0..<n { group.addTask { try await request(i).status.code } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let patches = try await statuses(16) { i in try await API.send(api, .PATCH, API.base + "/records/\(id)", json: #"{"members": \#(i + 1)}"#) }
            #expect(patches.allSatisfy { $0 == 200 || $0 == 409 || $0 == 503 }, "\(patches)")
            #expect(patches.contains(200))
            // The history is whole: versions 1...N without a gap, N - 1 the number of answers 200.
            let items = try #require(try API.json(try await api.get(API.base + "/records/\(id)/history"))["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["version"] as? Int } == Array(1...items.count))
            #expect(items.count - 1 == patches.filter { $0 == 200 }.count)
            // Each committed change has its audit entry, written in the change's own transaction.
            let logged = try await AuditEntry.query(on: app.db).filter(\.$objectID == id.uppercased()).filter(\.$action == "update").count()
            #expect(logged == items.count - 1, "\(logged) audit entries for \(items.count - 1) changes")

            let creates = try await statuses(12) { _ in try await API.send(api, .POST, API.base + "/records", json: #"{"house_no": "99"}"#) }
            #expect(creates.allSatisfy { [201, 409, 422, 503].contains($0) }, "\(creates)")
            #expect(creates.filter { $0 == 201 }.count == 1, "\(creates)")

            let deletes = try await statuses(6) { _ in try await api.request(.DELETE, API.base + "/records/\(id)") }
            #expect(deletes.allSatisfy { [204, 404, 409, 503].contains($0) }, "\(deletes)")
            #expect(deletes.filter { $0 == 204 }.count == 1, "\(deletes)")
        }
    }
}

extension CityDatabaseAuditFixTests {
    @Test("A text longer than an Excel cell holds is refused, by the API and row by row in an import", arguments: Engine.available)
    func textLengthBound(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await API.setUp(app)
            _ = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: #"{"slug": "notes", "title": {"th": "บันทึก", "en": "Notes"}, "fields": [{"key": "code", "type": "text"}, {"key": "body", "type": "long_text"}]}"#)
            let notes = "/api/v1/t/nongki/datasets/notes"
            let long = String(repeating: "ก", count: FieldDefinition.maxTextLength + 1)
            let refused = try await API.send(api, .POST, notes + "/records", json: #"{"code": "a", "body": "\#(long)"}"#)
            #expect(refused.status == .unprocessableEntity)
            #expect(try await API.send(api, .POST, notes + "/records", json: #"{"code": "b", "body": "\#(long.dropLast())"}"#).status == .created)
            // Past the kernel's first chunk too: many plain rows, one too long among them.
            var csv = "code,body\n"
            for i in 0..<(ImportService.sampleRows + 500) { csv += "c\(i),ข้อความ \(i)\n" }
            csv += "last,\(String(repeating: "x", count: FieldDefinition.maxTextLength + 5))\n"
            let page = try await API.send(api, .POST, notes + "/import?mode=valid_rows", body: ByteBuffer(string: csv), type: "text/csv")
            #expect(page.status == .ok || page.status == .accepted, "\(page.status)")
            var result = try API.json(page)
            if let job = result["job"] as? String {
                result = try await API.finishedJob(api, "nongki", job)["result"] as? [String: Any] ?? [:]
            }
            #expect(result["imported"] as? Int == ImportService.sampleRows + 500)
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1 && rejected.first?["column"] as? String == "body" && rejected.first?["row"] as? Int == ImportService.sampleRows + 502)
            #expect(try await api.get(notes + "/export?format=xlsx").status == .ok)
        }
    }
}
