import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp

@Suite("City database: aggregates, purge, schema changes, recovery")
struct CityDatabaseMoreTests {
    typealias API = CityDatabaseAPITests

    @Test("Group-by count and sum agree with the records themselves", arguments: Engine.available)
    func aggregate(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let all = try API.json(try await api.get("/api/v1/t/nongki/datasets/households/records?limit=1000"))
            let items = try #require(all["items"] as? [[String: Any]])
            var expected: [String: (Int, Int)] = [:]
            for item in items {
                let values = item["values"] as? [String: Any] ?? [:]
                let village = (values["village"] as? String)?.lowercased() ?? "-"
                let members = values["members"] as? Int ?? 0
                expected[village, default: (0, 0)].0 += 1
                expected[village, default: (0, 0)].1 += members
            }
            let agg = try API.json(try await api.get("/api/v1/t/nongki/datasets/households/aggregate?group=village&sum=members"))
            let groups = try #require(agg["items"] as? [[String: Any]])
            #expect(groups.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == items.count)
            for g in groups {
                let key = (g["group"] as? String)?.lowercased() ?? "-"
                #expect(expected[key]?.0 == g["count"] as? Int, "count of \(key)")
                #expect(Double(expected[key]?.1 ?? -1) == g["sum"] as? Double, "sum of \(key)")
            }
            #expect(try await api.get("/api/v1/t/nongki/datasets/households/aggregate?group=nope").status == .badRequest)
            #expect(try await api.get("/api/v1/t/nongki/datasets/households/aggregate?group=village&sum=head").status == .badRequest)
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
}
