import Foundation
import Testing
@testable import MueangApp
import ThaiConventions

@Suite("Configuration from the environment")
struct ConfigTests {
    @Test("Development defaults: embedded SQLite under the data directory, port 8080")
    func defaults() throws {
        let c = try AppConfig.fromEnvironment([:], dataDirectory: "/tmp/x")
        #expect(c.environment == .development)
        #expect(c.database == .sqlite(path: "/tmp/x/mueang.sqlite"))
        #expect(c.port == 8080)
        #expect(!c.secureCookies)
    }

    @Test("DATABASE_URL and PORT are read; the command line wins")
    func overrides() throws {
        let c = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u:p@db:5432/mueang", "PORT": "9000"])
        #expect(c.database == .postgres(url: "postgres://u:p@db:5432/mueang"))
        #expect(c.port == 9000)
        #expect(try AppConfig.fromEnvironment(["PORT": "9000"], port: 7000).port == 7000)
    }

    @Test("Bad values stop start-up with a message in both languages", arguments: [
        ["PORT": "eighty"], ["PORT": "70000"], ["DATABASE_URL": "mysql://x"], ["MUEANG_ENV": "staging"],
        ["MUEANG_ENV": "production"], ["MUEANG_ENV": "production", "MUEANG_SECRET": "short"],
    ])
    func refused(env: [String: String]) {
        #expect(throws: AppConfig.Problem.self) { try AppConfig.fromEnvironment(env) }
        do { _ = try AppConfig.fromEnvironment(env) } catch {
            let text = "\(error)"
            #expect(text.unicodeScalars.contains { (0x0E00...0x0E7F).contains($0.value) }, "no Thai in: \(text)")
        }
    }

    @Test("Production with a secret turns on secure cookies and full-cost bcrypt")
    func production() throws {
        let c = try AppConfig.fromEnvironment(["MUEANG_ENV": "production", "MUEANG_SECRET": String(repeating: "k", count: 40)])
        #expect(c.secureCookies)
        #expect(c.passwordCost == 12)
        #expect(c.secret == String(repeating: "k", count: 40))
    }
}

@Suite("Pages render from plain view models")
struct ViewTests {
    static func tenant(name: String = "เทศบาลตำบลหนองกี่", color: String = "#1b5e20") throws -> TenantInfo {
        let t = Tenant()
        t.id = UUID(); t.slug = "nongki"; t.nameTH = name; t.nameEN = "Nong Ki"; t.displayNameTH = name; t.displayNameEN = "Nong Ki"
        t.kind = "subdistrict"; t.centreLatitude = 14.6869; t.centreLongitude = 102.5361; t.primaryColor = color; t.accentColor = "#f9a825"; t.modules = "dengue,signboard-tax"; t.defaultLanguage = "th"
        return try TenantInfo(t, hasLogo: false)
    }

    @Test("The tenant home in Thai and in English, with the tenant's colours")
    func tenantHome() throws {
        let info = try Self.tenant()
        let model = TenantHomeController.HomeModel(tenant: info, location: "ต.หนองกี่", divisions: [("กองคลัง", "Finance Division")], villageCount: 4)
        let th = TenantHomeController.render(model, chrome: PageChrome(lang: .th, tenant: info, user: nil, csrf: "t", currentPath: "/t/nongki")).rendered
        #expect(th.contains("<html lang=\"th\">"))
        #expect(th.contains("กองคลัง"))
        #expect(th.contains("ไข้เลือดออก"))
        #expect(th.contains("--primary: #1b5e20"))
        #expect(th.contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\""))
        #expect(th.contains("href=\"/lang?to=en&amp;back=%2Ft%2Fnongki\""))
        let en = TenantHomeController.render(model, chrome: PageChrome(lang: .en, tenant: info, user: nil, csrf: "t", currentPath: "/t/nongki")).rendered
        #expect(en.contains("Finance Division"))
        #expect(en.contains("Dengue"))
        #expect(en.contains("Sign in"))
    }

    @Test("Whatever people type is escaped")
    func escaping() throws {
        let info = try Self.tenant(name: "<script>alert('x')</script>")
        let model = TenantHomeController.HomeModel(tenant: info, location: "\"><img src=x>", divisions: [("<b>", "<b>")], villageCount: 0)
        let html = TenantHomeController.render(model, chrome: PageChrome(lang: .th, tenant: info, user: nil, csrf: "\"x", currentPath: "/")).rendered
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x>"))
        #expect(!html.contains("<b>"))
    }

    @Test("Dates are shown in the Buddhist era with Thai month names")
    func dates() {
        let chrome = PageChrome(lang: .th, tenant: nil, user: nil, csrf: "", currentPath: "/")
        // 2023-03-15 07:05 UTC is 14:05 in Bangkok.
        let date = Date(timeIntervalSince1970: 1_678_863_900)
        #expect(chrome.dateTime(date) == "15 มี.ค. 2566 14:05 น.")
        let en = PageChrome(lang: .en, tenant: nil, user: nil, csrf: "", currentPath: "/")
        #expect(en.dateTime(date) == "15 Mar 2023 14:05")
    }

    @Test("Typed site URLs print what the routes register")
    func urls() {
        let id = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        #expect(SiteURL.tenant("hatyai", .division(.id(id))).path == "/t/hatyai/divisions/6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(SiteURL.tenant("hatyai", .home).path == "/t/hatyai")
        #expect(SiteURL.api(.tenant("hatyai", .users)).path == "/api/v1/t/hatyai/users")
        #expect(SiteURL.tenantPattern(.divisionDelete(.pattern)).segments == ["t", ":tenant", "divisions", ":id", "delete"])
    }
}
