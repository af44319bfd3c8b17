import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp
import ThaiConventions

@Suite("Signing in, branding, language and the audit log")
struct PlatformFlowTests {
    @Test("The platform home lists the three demo municipalities", arguments: Engine.available)
    func platformHome(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let page = try await Browser(app).get("/")
            #expect(page.status == .ok)
            for name in ["เทศบาลตำบลหนองกี่", "เทศบาลตำบลละหานทราย", "เทศบาลนครหาดใหญ่"] { #expect(page.body.contains(name)) }
            let home = try await Browser(app).get("/t/hatyai")
            #expect(home.body.contains("สำนักการคลัง"))
            #expect(home.body.contains("ภาษีป้าย"))
        }
    }

    @Test("An admin changes colour and display name; every page shows them at once", arguments: Engine.available)
    func brandingChange(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "nongki", .admin)
            let settings = try await admin.get("/t/nongki/settings")
            #expect(settings.status == .ok)
            let saved = try await admin.post("/t/nongki/settings", [
                ("displayNameTH", "เทศบาลหนองกี่ <ทดสอบ>"), ("displayNameEN", "Nong Ki Test"),
                ("primaryColor", "#AA3300"), ("accentColor", "#00aa77"), ("defaultLanguage", "th"),
                ("modules[]", "dengue"), ("modules[]", "signboard-tax"),
            ])
            #expect(saved.status == .seeOther)
            let home = try await Browser(app).get("/t/nongki")
            #expect(home.body.contains("เทศบาลหนองกี่ &lt;ทดสอบ&gt;"))
            #expect(home.body.contains("--primary: #aa3300"))
            #expect(home.body.contains("ไข้เลือดออก"))
            #expect(!home.body.contains("ฐานข้อมูลเมือง"))
            // Other tenants keep their own look.
            let other = try await Browser(app).get("/t/lahansai")
            #expect(!other.body.contains("#aa3300"))
            let audit = try await admin.get("/t/nongki/audit")
            #expect(audit.body.contains("Nong Ki") || audit.body.contains("หนองกี่ &lt;ทดสอบ&gt;"))
        }
    }

    @Test("Bad settings are refused in both languages and change nothing", arguments: Engine.available)
    func badSettings(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "nongki", .admin)
            let page = try await admin.post("/t/nongki/settings", [
                ("displayNameTH", "x"), ("displayNameEN", "x"), ("primaryColor", "red;}</style><script>"),
                ("accentColor", "#000000"), ("defaultLanguage", "th"),
            ])
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains("#RRGGBB"))
            let home = try await Browser(app).get("/t/nongki")
            #expect(home.body.contains("เทศบาลตำบลหนองกี่"))
            #expect(!home.body.contains("<script>"))
        }
    }

    @Test("The language switch is remembered across pages", arguments: Engine.available)
    func languageSwitch(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = Browser(app)
            #expect(try await b.get("/t/lahansai").body.contains("กองและหน่วยงาน"))
            let switched = try await b.get("/lang?to=en&back=%2Ft%2Flahansai")
            #expect(switched.status == .seeOther)
            #expect(switched.location == "/t/lahansai")
            let page = try await b.get("/t/lahansai")
            #expect(page.body.contains("Divisions"))
            #expect(page.body.contains("Lahan Sai Subdistrict Municipality"))
            #expect(page.body.contains("<html lang=\"en\">"))
            // Never an open redirect.
            #expect(try await b.get("/lang?to=th&back=https%3A%2F%2Fevil.example").location == "/")
            #expect(try await b.get("/lang?to=th&back=%2F%2Fevil.example").location == "/")
        }
    }

    @Test("Sign out ends the session; a stale cookie gets 401 and an expiry notice", arguments: Engine.available)
    func logoutAndExpiry(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "hatyai", .admin)
            #expect(try await admin.get("/t/hatyai/users").status == .ok)
            let session = admin.cookies["mueang_session"]
            let out = try await admin.post("/t/hatyai/logout", [])
            #expect(out.status == .seeOther)
            #expect(admin.cookies["mueang_session"] == nil)
            let stale = Browser(app)
            stale.cookies["mueang_session"] = session
            let page = try await stale.get("/t/hatyai/users")
            #expect(page.status == .unauthorized)
            #expect(page.body.contains("กรุณาเข้าสู่ระบบ"))
            #expect(page.body.contains("Please sign in"))

            // A session past its lifetime is refused the same way.
            let again = try await Browser.signedIn(app, "hatyai", .admin)
            try await LoginSession.query(on: app.db).set(\.$expiresAt, to: Date(timeIntervalSinceNow: -1)).update()
            #expect(try await again.get("/t/hatyai/users").status == .unauthorized)
        }
    }

    @Test("Forged or missing CSRF tokens are refused and write nothing", arguments: Engine.available)
    func csrf(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "nongki", .admin)
            let before = try await Division.query(on: app.db).count()
            let forged = try await admin.post("/t/nongki/divisions", [("slug", "forged"), ("nameTH", "กองปลอม"), ("nameEN", "")],
                                              csrf: "abc.def")
            #expect(forged.status == .forbidden)
            #expect(forged.body.contains("แบบฟอร์มหมดอายุ"))
            let missing = try await admin.post("/t/nongki/divisions", [("slug", "forged"), ("nameTH", "กองปลอม")], csrf: "")
            #expect(missing.status == .forbidden)
            #expect(try await Division.query(on: app.db).count() == before)
            let ok = try await admin.post("/t/nongki/divisions", [("slug", "it"), ("nameTH", "ศูนย์ข้อมูล"), ("nameEN", "IT"), ("sortOrder", "๙")])
            #expect(ok.status == .seeOther)
            let created = try await Division.query(on: app.db).filter(\.$slug == "it").first()
            #expect(created?.sortOrder == 9)
        }
    }

    @Test("Repeated wrong passwords are throttled, even before the right one", arguments: Engine.available)
    func throttling(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = Browser(app)
            for _ in 0..<5 { #expect(try await b.login("lahansai", "admin", "wrong-password").status == .unauthorized) }
            let blocked = try await b.login("lahansai", "admin", TestApp.password("lahansai", .admin))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.contains("15"))
            let failures = try await AuditEntry.query(on: app.db).filter(\.$action == "login-failed").count()
            #expect(failures == 5)
        }
    }

    @Test("Villages accept Thai digits; every write and personal-data read is audited", arguments: Engine.available)
    func villagesAndAudit(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "lahansai", .admin)
            let created = try await admin.post("/t/lahansai/villages", [("kind", "moo"), ("number", "๑๒"), ("nameTH", "บ้านใหม่พัฒนา"), ("nameEN", "")])
            #expect(created.status == .seeOther)
            let v = try await Village.query(on: app.db).filter(\.$nameTH == "บ้านใหม่พัฒนา").first()
            #expect(v?.number == 12)
            #expect(v?.nameEN == "บ้านใหม่พัฒนา")
            let bad = try await admin.post("/t/lahansai/villages", [("kind", "moo"), ("number", "สิบ"), ("nameTH", "x")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.contains("1-999"))
            _ = try await admin.get("/t/lahansai/users")
            let entries = try await AuditEntry.query(on: app.db).all()
            #expect(entries.contains { $0.action == "create" && $0.objectType == "village" && $0.actor == "admin" })
            #expect(entries.contains { $0.action == "read" && $0.personalData })
            #expect(entries.contains { $0.action == "login" })

            // The audit page filters by days typed the Thai way.
            let today = BangkokTime.calendarDay(of: Date())
            for typed in [today.formatted(.thaiShort), "\(today.day)/\(today.month)/\(today.buddhistYear)", today.iso8601,
                          ThaiConventionsBridge.thaiDigits(today.formatted(.thaiShort))] {
                let page = try await admin.get("/t/lahansai/audit?from=\(Browser.escape(typed))&to=\(Browser.escape(typed))")
                #expect(page.status == .ok, "\(typed)")
                #expect(page.body.contains("บ้านใหม่พัฒนา"), "\(typed)")
            }
            let tomorrow = today.adding(days: 1)
            let none = try await admin.get("/t/lahansai/audit?from=\(tomorrow.iso8601)")
            #expect(!none.body.contains("บ้านใหม่พัฒนา"))
            let wrong = try await admin.get("/t/lahansai/audit?from=31/02/2569")
            #expect(wrong.status == .badRequest)
            #expect(wrong.body.contains("กุมภาพันธ์"))
        }
    }

    @Test("Users: an admin adds staff scoped to a division; the new person can sign in", arguments: Engine.available)
    func users(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let admin = try await Browser.signedIn(app, "hatyai", .admin)
            let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: "hatyai")
            let division = try await Division.query(on: app.db).filter(\.$tenantID == tenant.requireID()).filter(\.$slug == "engineering").first()
            let created = try await admin.post("/t/hatyai/users", [
                ("username", "somsak"), ("displayName", "สมศักดิ์ ช่างดี"), ("role", "staff"), ("password", "s3cret-pass"),
                ("divisions[]", division!.id!.uuidString),
            ])
            #expect(created.status == .seeOther)
            let newcomer = Browser(app)
            #expect(try await newcomer.login("hatyai", "somsak", "s3cret-pass").status == .seeOther)
            #expect(try await newcomer.get("/t/hatyai/divisions").status == .ok)
            #expect(try await newcomer.get("/t/hatyai/users").status == .forbidden)
            // An operator role cannot be handed out by a municipality.
            let sneaky = try await admin.post("/t/hatyai/users", [("username", "boss"), ("displayName", "x"), ("role", "operator"), ("password", "12345678")])
            #expect(sneaky.status == .unprocessableEntity)
            #expect(try await User.query(on: app.db).filter(\.$username == "boss").count() == 0)
        }
    }

    @Test("API: bearer tokens work until revoked; errors are JSON in Thai and English", arguments: Engine.available)
    func apiTokens(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let api = try await Browser.withToken(app, "nongki", .admin)
            let list = try await api.get("/api/v1/t/nongki/divisions")
            #expect(list.status == .ok)
            #expect(list.body.contains("\"total\":6"))
            let me = try await api.get("/api/v1/me")
            #expect(me.body.contains("\"tenant\":\"nongki\""))
            try await APIToken.query(on: app.db).set(\.$revokedAt, to: Date()).update()
            let revoked = try await api.get("/api/v1/t/nongki/divisions")
            #expect(revoked.status == .unauthorized)
            let body = try JSONDecoder().decode([String: [String: String]].self, from: Data(revoked.body.utf8))
            #expect(body["error"]?["th"]?.isEmpty == false)
            #expect(body["error"]?["en"]?.contains("token") == true)
            // A browser session does not open the API.
            let browser = try await Browser.signedIn(app, "nongki", .admin)
            #expect(try await browser.get("/api/v1/t/nongki/users").status == .unauthorized)
        }
    }

    @Test("Health and metrics", arguments: Engine.available)
    func operations(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let b = Browser(app)
            let health = try await b.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.body.contains("\"database\":\"ok\""))
            _ = try await b.get("/t/nongki")
            let metrics = try await b.get("/metrics")
            #expect(metrics.body.contains("http_requests_total"))
            #expect(metrics.body.contains("path=\"/t/:tenant\""))
            #expect(metrics.body.contains("http_request_duration_seconds"))
            #expect(metrics.body.contains("mueang_db_pool_connections{state=\"max\"}"))
        }
    }
}

enum ThaiConventionsBridge {
    static func thaiDigits(_ s: String) -> String {
        String(s.map { c in c.isASCII && c.isNumber ? Character(Unicode.Scalar(0x0E50 + UInt32(c.asciiValue! - 48))!) : c })
    }
}
