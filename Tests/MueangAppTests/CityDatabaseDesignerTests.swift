import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp

/// The dataset designer in the browser offers every per-field setting of the issue: required,
/// unique, minimum/maximum, pattern, default, help in both languages, and the dataset a
/// reference points to; the fields page shows and keeps them.
@Suite("City database: the designer's per-field settings")
struct CityDatabaseDesignerTests {
    typealias API = CityDatabaseAPITests

    static let visits = "/t/nongki/datasets"

    /// A designer post for a dataset `slug` whose fields are given as rows of name → value.
    static func design(_ slug: String, _ rows: [[String: String]], title: String = "เยี่ยมบ้าน") -> [(String, String)] {
        var form = [("titleTH", title), ("titleEN", "Home visits"), ("slug", slug), ("division", "health"), ("lawfulBasis", "public-health-duty"), ("description", "")]
        for (i, row) in rows.enumerated() {
            for (name, value) in row.sorted(by: { $0.key < $1.key }) { form.append(("fields[\(i)][\(name)]", value)) }
        }
        return form
    }

    static let settings: [[String: String]] = [
        ["key": "house_no", "type": "text", "labelTH": "บ้านเลขที่", "labelEN": "House no.", "required": "1", "unique": "1",
         "pattern": "[0-9]+(/[0-9]+)?", "helpTH": "เลขที่บ้าน เช่น 12/3", "helpEN": "The house number, e.g. 12/3"],
        ["key": "members", "type": "integer", "labelTH": "จำนวนสมาชิก", "labelEN": "Members", "min": "1", "max": "๒๐", "default": "๔",
         "helpTH": "นับทุกคนที่อาศัยอยู่", "helpEN": "Count everyone living there"],
        ["key": "household", "type": "reference", "labelTH": "ครัวเรือน", "labelEN": "Household", "reference": "households"],
        ["key": "status", "type": "choice", "choices": "ปกติ, ย้ายออก", "default": "ปกติ"],
        ["key": "visited_on", "type": "date", "min": "1/10/2567", "default": "๑/๑๐/๒๕๖๗"],
        ["key": "note", "type": "text", "pattern": "", "default": "", "helpTH": "", "helpEN": "", "reference": "households"],
        ["key": "", "type": "text", "default": "ignored: no key"],
    ]

    static func field(_ dataset: [String: Any], _ key: String) -> [String: Any] {
        ((dataset["fields"] as? [[String: Any]]) ?? []).first { $0["key"] as? String == key } ?? [:]
    }

    @Test("A dataset designed in the browser gets exactly its pattern, default, bounds, bilingual help and reference", arguments: Engine.available)
    func designedSettings(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let web = try await Browser.signedIn(app, "nongki", .admin)
            let api = try await Browser.withToken(app, "nongki", .admin)
            let form = try await web.get("/t/nongki/datasets/new")
            for name in ["fields[0][pattern]", "fields[0][default]", "fields[0][reference]", "fields[0][helpTH]", "fields[0][helpEN]", "fields[0][min]", "fields[0][max]"] {
                #expect(form.body.contains("name=\"\(name)\""), "the designer has no \(name)")
            }
            #expect(form.body.contains("<option value=\"households\">"), "the reference list offers the tenant's datasets")
            let created = try await web.post(Self.visits, Self.design("visits", Self.settings))
            #expect(created.status == .seeOther, "\(created.body.prefix(3000))")

            let d = try API.json(try await api.get("/api/v1/t/nongki/datasets/visits"))
            let fields = try #require(d["fields"] as? [[String: Any]])
            #expect(fields.map { $0["key"] as? String } == ["house_no", "members", "household", "status", "visited_on", "note"])
            let house = Self.field(d, "house_no")
            #expect(house["pattern"] as? String == "[0-9]+(/[0-9]+)?")
            #expect(house["required"] as? Bool == true && house["unique"] as? Bool == true)
            #expect(house["help"] as? [String: String] == ["th": "เลขที่บ้าน เช่น 12/3", "en": "The house number, e.g. 12/3"])
            #expect(house["label"] as? [String: String] == ["th": "บ้านเลขที่", "en": "House no."])
            #expect(house["default"] == nil && house["reference"] == nil)
            let members = Self.field(d, "members")
            #expect(members["default"] as? Int == 4)
            #expect(members["min"] as? Int == 1 && members["max"] as? Int == 20)
            #expect(members["help"] as? [String: String] == ["th": "นับทุกคนที่อาศัยอยู่", "en": "Count everyone living there"])
            #expect(members["pattern"] == nil)
            #expect(Self.field(d, "household")["reference"] as? String == "households")
            #expect(Self.field(d, "status")["default"] as? String == "ปกติ")
            let visited = Self.field(d, "visited_on")
            #expect(visited["default"] as? String == "2024-10-01")
            #expect(visited["min"] as? String == "1/10/2567")
            let note = Self.field(d, "note")
            #expect(note["pattern"] == nil && note["default"] == nil && note["help"] == nil && note["reference"] == nil,
                    "empty settings are none, and only a reference field keeps a target: \(note)")

            // The record form starts with the defaults and shows the help in the reader's language.
            let page = try await web.get("/t/nongki/datasets/visits")
            #expect(page.body.contains("name=\"v[members]\" value=\"4\""))
            #expect(page.body.contains("name=\"v[visited_on]\" value=\"1/10/2567\""))
            #expect(page.body.contains("<option selected>ปกติ</option>"))
            #expect(page.body.contains("เลขที่บ้าน เช่น 12/3") && !page.body.contains("The house number, e.g. 12/3"))
            web.cookies["mueang_lang"] = "en"
            let english = try await web.get("/t/nongki/datasets/visits")
            #expect(english.body.contains("The house number, e.g. 12/3") && !english.body.contains("เลขที่บ้าน เช่น 12/3"))
            web.cookies["mueang_lang"] = "th"

            // A record posted without the defaulted fields gets their defaults.
            let households = try API.json(try await api.get("/api/v1/t/nongki/datasets/households/records?limit=1"))
            let householdID = try #require(((households["items"] as? [[String: Any]])?.first)?["id"] as? String)
            let saved = try await web.post("/t/nongki/datasets/visits/records", [("v[house_no]", "12/3"), ("v[household]", householdID)])
            #expect(saved.status == .seeOther, "\(saved.body.prefix(2000))")
            let records = try API.json(try await api.get("/api/v1/t/nongki/datasets/visits/records"))
            let values = try #require(((records["items"] as? [[String: Any]])?.first)?["values"] as? [String: Any])
            #expect(values["members"] as? Int == 4)
            #expect(values["status"] as? String == "ปกติ")
            #expect(values["visited_on"] as? String == "2024-10-01")
            #expect((values["household"] as? String)?.lowercased() == householdID.lowercased())

            // A value that breaks the pattern is refused by the web form with the field's error, as typed.
            let refused = try await web.post("/t/nongki/datasets/visits/records", [("v[house_no]", "บ้านริมน้ำ"), ("v[members]", "3")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("data-field=\"house_no\">บ้านเลขที่: ไม่ตรงตามรูปแบบที่กำหนด"), "\(refused.body.prefix(4000))")
            #expect(refused.body.contains("name=\"v[house_no]\" value=\"บ้านริมน้ำ\""))
            // So is a reference to a record that is not in the referenced dataset, and a number out of bounds.
            let many = try await web.post("/t/nongki/datasets/visits/records", [("v[house_no]", "7"), ("v[members]", "21")])
            #expect(many.status == .unprocessableEntity)
            #expect(many.body.contains("data-field=\"members\">จำนวนสมาชิก: ต้องไม่เกิน 20"))
            let elsewhere = try await web.post("/t/nongki/datasets/visits/records", [("v[house_no]", "7"), ("v[household]", UUID().uuidString)])
            #expect(elsewhere.status == .unprocessableEntity)
            #expect(elsewhere.body.contains("data-field=\"household\">ครัวเรือน: ไม่พบรายการที่อ้างถึงในเทศบาลนี้"))
            #expect(try API.json(try await api.get("/api/v1/t/nongki/datasets/visits/records"))["total"] as? Int == 1)
        }
    }

    @Test("A bad default, pattern or reference is a 4xx in Thai and English on the form as typed, and creates nothing", arguments: Engine.available)
    func refusedDesigns(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let web = try await Browser.signedIn(app, "nongki", .admin)
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await web.get("/t/nongki/datasets/new")
            let cases: [(String, [String: String], th: String, en: String)] = [
                ("default-type", ["key": "members", "type": "integer", "default": "สิบ"],
                 "ค่าเริ่มต้นใช้ไม่ได้ (members: ต้องเป็นจำนวนเต็ม", "the default is not valid (members: must be a whole number"),
                ("default-bounds", ["key": "members", "type": "integer", "min": "1", "max": "5", "default": "9"],
                 "ค่าเริ่มต้นใช้ไม่ได้ (members: ต้องไม่เกิน 5)", "the default is not valid (members: must be at most 5)"),
                ("default-pattern", ["key": "code", "type": "text", "pattern": "[0-9]+", "default": "abc"],
                 "ค่าเริ่มต้นใช้ไม่ได้ (code: ไม่ตรงตามรูปแบบที่กำหนด)", "the default is not valid (code: does not match the required pattern)"),
                ("default-choice", ["key": "kind", "type": "choice", "choices": "ก, ข", "default": "ค"],
                 "ค่าเริ่มต้นใช้ไม่ได้", "the default is not valid"),
                ("bad-pattern", ["key": "code", "type": "text", "pattern": "[0-9"],
                 "code: รูปแบบ (pattern) “[0-9” ไม่ถูกต้อง", "code: the pattern “[0-9” is not a valid regular expression"),
                ("pattern-type", ["key": "members", "type": "integer", "pattern": "[0-9]+"],
                 "members: ช่องชนิดนี้กำหนดรูปแบบไม่ได้", "members: this field type takes no pattern"),
                ("no-target", ["key": "household", "type": "reference"],
                 "household: ต้องระบุชุดข้อมูลที่อ้างอิง", "household: the referenced dataset is missing"),
                ("unknown-target", ["key": "household", "type": "reference", "reference": "no-such-register"],
                 "household: ไม่พบชุดข้อมูล “no-such-register”", "household: there is no dataset “no-such-register” to refer to"),
            ]
            for (slug, row, th, en) in cases {
                let rows = [["key": "name", "type": "text", "helpTH": "ชื่อ \"เต็ม\" <ตามบัตร>"], row]
                let page = try await web.post(Self.visits, Self.design(slug, rows, title: "ชุดทดสอบ \(slug)"))
                #expect((400..<500).contains(page.status.code), "\(slug) → \(page.status)")
                #expect(page.body.contains(HTML.escape(th)), "\(slug): no Thai message in \(page.body.prefix(3000))")
                #expect(page.body.contains(HTML.escape(en)), "\(slug): no English message")
                #expect(page.body.contains("lang=\"th\"") && page.body.contains("lang=\"en\""))
                // The form comes back as it was typed, markup escaped, with the row's problem next to it.
                #expect(page.body.contains("name=\"titleTH\" required maxlength=\"200\" value=\"ชุดทดสอบ \(slug)\""))
                #expect(page.body.contains("value=\"ชื่อ &quot;เต็ม&quot; &lt;ตามบัตร&gt;\""))
                for (name, value) in row where !value.isEmpty && name != "type" && name != "reference" {
                    #expect(page.body.contains("name=\"fields[1][\(name)]\" value=\"\(HTML.escape(value))\""), "\(slug): \(name) not kept")
                }
                #expect(page.body.contains("class=\"error-text field-error\" data-row=\"1\""), "\(slug): the problem is not shown at its row")
                #expect(try await api.get("/api/v1/t/nongki/datasets/\(slug)").status == .notFound, "\(slug) was created")
            }
            // A title the service refuses also keeps what was typed.
            let untitled = try await web.post(Self.visits, Self.design("untitled", [["key": "name", "type": "text", "pattern": "[ก-๙ ]+"]], title: " "))
            #expect(untitled.status == .unprocessableEntity)
            #expect(untitled.body.contains("A Thai title is required.") && untitled.body.contains("value=\"[ก-๙ ]+\""))
            #expect(try await Dataset.query(on: app.db).filter(\.$slug == "untitled").count() == 0)
        }
    }

    @Test("A default sent through the API is stored as the designer stores it (4, 12.5, an ISO date), on create and on a schema change", arguments: Engine.available)
    func apiDefaultsAreCanonical(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let web = try await Browser.signedIn(app, "nongki", .admin)
            let api = try await Browser.withToken(app, "nongki", .admin)
            // The same three defaults, typed as staff type them: an integer, a decimal in Thai digits, a date in BE.
            let typed = [("members", "integer", "4"), ("area_rai", "decimal", "๑๒.๕"), ("visited_on", "date", "๑/๑๐/๒๕๖๗")]
            _ = try await web.get("/t/nongki/datasets/new")
            let byForm = try await web.post(Self.visits, Self.design("by-form", typed.map { ["key": $0.0, "type": $0.1, "default": $0.2] }))
            #expect(byForm.status == .seeOther, "\(byForm.body.prefix(3000))")
            // The API's fields with these defaults, each sent as a JSON string.
            func fields(_ defaults: [String]) -> String {
                "[" + zip(typed, defaults).map { #"{"key": "\#($0.0.0)", "type": "\#($0.0.1)", "default": "\#($0.1)"}"# }.joined(separator: ", ") + "]"
            }
            func body(_ slug: String, _ defaults: [String]) -> String {
                #"{"slug": "\#(slug)", "title": {"th": "เยี่ยมบ้าน", "en": "Home visits"}, "division": "health", "lawfulBasis": "public-health-duty", "fields": \#(fields(defaults))}"#
            }
            let byAPI = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: body("by-api", typed.map(\.2)))
            #expect(byAPI.status == .created, "\(byAPI.body)")

            let d = try API.json(try await api.get("/api/v1/t/nongki/datasets/by-api"))
            #expect(Self.field(d, "members")["default"] as? Int == 4, "\(Self.field(d, "members"))")
            #expect(Self.field(d, "area_rai")["default"] as? Double == 12.5, "\(Self.field(d, "area_rai"))")
            #expect(Self.field(d, "visited_on")["default"] as? String == "2024-10-01")
            #expect((d["fields"] as? NSArray) == (try API.json(try await api.get("/api/v1/t/nongki/datasets/by-form"))["fields"] as? NSArray))
            // Stored byte for byte as the designer stores them: numbers as JSON numbers, not strings.
            func stored(_ slug: String) async throws -> String {
                try #require(try await Dataset.query(on: app.db).filter(\.$slug == slug).first()).fieldsJSON
            }
            let apiJSON = try await stored("by-api")
            #expect(apiJSON == (try await stored("by-form")))
            #expect(apiJSON.contains(#""default":4,"#) && apiJSON.contains(#""default":12.5,"#) && apiJSON.contains(#""default":"2024-10-01","#), "\(apiJSON)")

            // A record left without them gets the defaults as values of their types.
            let record = try await API.send(api, .POST, "/api/v1/t/nongki/datasets/by-api/records", json: #"{"values": {}}"#)
            #expect(record.status == .created, "\(record.body)")
            let values = try API.json(record)["values"] as? [String: Any]
            #expect(values?["members"] as? Int == 4 && values?["area_rai"] as? Double == 12.5 && values?["visited_on"] as? String == "2024-10-01")

            // A schema change through the API stores its defaults the same way.
            let changed = try await API.send(api, .PUT, "/api/v1/t/nongki/datasets/by-api/fields", json: #"{"fields": \#(fields(["๕", "3.75", "15/1/2568"]))}"#)
            #expect(changed.status == .ok, "\(changed.body)")
            let after = try API.json(changed)
            #expect(Self.field(after, "members")["default"] as? Int == 5)
            #expect(Self.field(after, "area_rai")["default"] as? Double == 3.75)
            #expect(Self.field(after, "visited_on")["default"] as? String == "2025-01-15")
            let changedJSON = try await stored("by-api")
            #expect(changedJSON.contains(#""default":5,"#) && changedJSON.contains(#""default":3.75,"#) && changedJSON.contains(#""default":"2025-01-15","#), "\(changedJSON)")

            // A default the type cannot take is still refused, in Thai and English, on create and on change; nothing is stored.
            let bad = ["สิบ", "3.75", "15/1/2568"]
            let refusedCreate = try await API.send(api, .POST, "/api/v1/t/nongki/datasets", json: body("by-api-bad", bad))
            let refusedChange = try await API.send(api, .PUT, "/api/v1/t/nongki/datasets/by-api/fields", json: #"{"fields": \#(fields(bad))}"#)
            for refused in [refusedCreate, refusedChange] {
                #expect(refused.status == .unprocessableEntity, "\(refused.body)")
                let error = try API.json(refused)["error"] as? [String: String]
                #expect(error?["th"]?.contains("ค่าเริ่มต้นใช้ไม่ได้ (members: ต้องเป็นจำนวนเต็ม") == true, "\(refused.body)")
                #expect(error?["en"]?.contains("the default is not valid (members: must be a whole number") == true, "\(refused.body)")
            }
            #expect(try await api.get("/api/v1/t/nongki/datasets/by-api-bad").status == .notFound)
            #expect(try await stored("by-api") == changedJSON)
        }
    }

    /// The values a form on the page would send: inputs (checked boxes only), selects, textareas.
    static func formValues(_ html: String, form id: String) throws -> [(String, String)] {
        let start = try #require(html.range(of: "id=\"\(id)\""))
        let end = try #require(html.range(of: "</form>", range: start.upperBound..<html.endIndex))
        let form = String(html[start.upperBound..<end.lowerBound])
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
        func attribute(_ name: String, _ tag: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            return tag[r.upperBound...].split(separator: "\"", maxSplits: 1, omittingEmptySubsequences: false).first.map { unescape(String($0)) }
        }
        func matches(_ pattern: String) throws -> [[String]] {
            let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
            return regex.matches(in: form, range: NSRange(form.startIndex..., in: form)).map { m in
                (0..<m.numberOfRanges).map { Range(m.range(at: $0), in: form).map { String(form[$0]) } ?? "" }
            }
        }
        var out: [(String, String)] = []
        for m in try matches("<input([^>]*)>") {
            let tag = m[1]
            guard let name = attribute("name", tag), name != "_csrf" else { continue }
            if attribute("type", tag) == "checkbox" && !tag.contains(" checked") { continue }
            out.append((name, attribute("value", tag) ?? ""))
        }
        for m in try matches("<select name=\"([^\"]*)\"[^>]*>(.*?)</select>") {
            let options = try NSRegularExpression(pattern: "<option([^>]*)>").matches(in: m[2], range: NSRange(m[2].startIndex..., in: m[2]))
                .map { String(m[2][Range($0.range(at: 1), in: m[2])!]) }
            let chosen = options.first { $0.contains(" selected") } ?? options.first ?? ""
            out.append((m[1], attribute("value", chosen) ?? ""))
        }
        for m in try matches("<textarea name=\"([^\"]*)\"[^>]*>(.*?)</textarea>") { out.append((m[1], unescape(m[2]))) }
        return out
    }

    /// The dataset's fields as the API shows them, comparable whatever the order of JSON keys.
    static func schema(_ api: Browser) async throws -> NSArray {
        (try API.json(try await api.get("/api/v1/t/nongki/datasets/visits"))["fields"] as? NSArray) ?? []
    }

    @Test("The fields page shows every setting, keeps them when saved as shown, and changes them when edited", arguments: Engine.available)
    func fieldsPageRoundTrip(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let web = try await Browser.signedIn(app, "nongki", .admin)
            let api = try await Browser.withToken(app, "nongki", .admin)
            _ = try await web.get("/t/nongki/datasets/new")
            #expect(try await web.post(Self.visits, Self.design("visits", Self.settings)).status == .seeOther)
            let before = try await Self.schema(api)

            let page = try await web.get("/t/nongki/datasets/visits/fields")
            #expect(page.body.contains("name=\"fields[0][pattern]\" value=\"[0-9]+(/[0-9]+)?\""))
            #expect(page.body.contains("name=\"fields[0][helpTH]\" value=\"เลขที่บ้าน เช่น 12/3\""))
            #expect(page.body.contains("name=\"fields[0][helpEN]\" value=\"The house number, e.g. 12/3\""))
            #expect(page.body.contains("name=\"fields[1][default]\" value=\"4\""))
            #expect(page.body.contains("name=\"fields[1][max]\" value=\"20\""))
            #expect(page.body.contains("name=\"fields[4][default]\" value=\"1/10/2567\""))
            #expect(page.body.contains("<option value=\"households\" selected>"))
            #expect(!page.body.contains("<option value=\"visits\""), "a dataset is not offered as its own reference target")

            // Saved exactly as shown: nothing changes.
            let same = try Self.formValues(page.body, form: "fields-form")
            #expect(same.contains { $0 == ("fields[2][reference]", "households") })
            let kept = try await web.post("/t/nongki/datasets/visits/fields", same)
            #expect(kept.status == .seeOther, "\(kept.body.prefix(3000))")
            #expect(try await Self.schema(api) == before)

            // Edited: the new settings are used.
            let edits = ["fields[0][pattern]": "[0-9]{1,4}(/[0-9]{1,3})?", "fields[0][helpEN]": "House number as on the house registration",
                         "fields[1][default]": "2", "fields[1][min]": "", "fields[4][default]": "",
                         "fields[6][key]": "tambon", "fields[6][type]": "text", "fields[6][default]": "หนองกี่", "fields[6][helpTH]": "ตำบล"]
            let edited = same.map { pair in (pair.0, edits[pair.0] ?? pair.1) }
            #expect(Set(edits.keys).isSubset(of: Set(same.map(\.0))), "the page has a blank row 6 with all inputs")
            let changed = try await web.post("/t/nongki/datasets/visits/fields", edited)
            #expect(changed.status == .seeOther, "\(changed.body.prefix(3000))")
            let d = try API.json(try await api.get("/api/v1/t/nongki/datasets/visits"))
            #expect(Self.field(d, "house_no")["pattern"] as? String == "[0-9]{1,4}(/[0-9]{1,3})?")
            #expect(Self.field(d, "house_no")["help"] as? [String: String] == ["th": "เลขที่บ้าน เช่น 12/3", "en": "House number as on the house registration"])
            #expect(Self.field(d, "members")["default"] as? Int == 2)
            #expect(Self.field(d, "members")["min"] == nil && Self.field(d, "members")["max"] as? Int == 20)
            #expect(Self.field(d, "visited_on")["default"] == nil)
            #expect(Self.field(d, "household")["reference"] as? String == "households")
            #expect(Self.field(d, "tambon")["default"] as? String == "หนองกี่")
            #expect(Self.field(d, "tambon")["help"] as? [String: String] == ["th": "ตำบล", "en": "ตำบล"])

            // A bad default or pattern on the fields page is refused as typed; the schema stays.
            let now = try await Self.schema(api)
            let fresh = try Self.formValues(try await web.get("/t/nongki/datasets/visits/fields").body, form: "fields-form")
            for (name, value, th, en) in [("fields[1][default]", "มาก", "ค่าเริ่มต้นใช้ไม่ได้", "the default is not valid"),
                                          ("fields[0][pattern]", "(unclosed", "ไม่ถูกต้อง", "is not a valid regular expression"),
                                          ("fields[2][reference]", "", "ต้องระบุชุดข้อมูลที่อ้างอิง", "the referenced dataset is missing")] {
                let bad = fresh.map { $0.0 == name ? (name, value) : $0 }
                let refused = try await web.post("/t/nongki/datasets/visits/fields", bad)
                #expect(refused.status == .unprocessableEntity, "\(name)")
                #expect(refused.body.contains(th) && refused.body.contains(en), "\(name): \(refused.body.prefix(3000))")
                if !value.isEmpty { #expect(refused.body.contains("name=\"\(name)\" value=\"\(HTML.escape(value))\"")) }
                #expect(try await Self.schema(api) == now, "\(name)")
            }
        }
    }
}
