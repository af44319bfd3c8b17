import Vapor
import Fluent
import SQLKit
import ThaiConventions

/// Pages outside any tenant: the list of municipalities, operator sign-in, language, health.
enum PlatformController {
    static func register(_ site: Site) {
        site.global(.GET, .home, .public, home)
        site.global(.GET, .operatorLogin, .public) { req in try await AuthController.loginForm(req, ctx: nil) }
        site.global(.POST, .operatorLogin, .public) { req in try await AuthController.login(req, ctx: nil) }
        site.global(.POST, .logout, .public) { req in try await AuthController.logout(req, ctx: nil) }
        site.global(.GET, .language, .public, language)
        site.global(.GET, .healthz, .public, healthz)
        site.global(.GET, .metrics, .public, metrics)
        site.global(.GET, .api(.tenants), .public, apiTenants)
        site.global(.GET, .api(.me), .public, apiMe)
    }

    static func home(_ req: Request) async throws -> Response {
        let chrome = req.chrome(nil)
        let tenants = try await Tenant.query(on: req.db).sort(\.$nameTH).all()
        let cards = tenants.html { t in
            let kind = TenantKind(rawValue: t.kind) ?? .subdistrictMunicipality
            return """
            <li class="card"><a href="\(SiteURL.tenant(t.slug, .home).path)"><strong>\(chrome.lang == .th ? t.displayNameTH : t.displayNameEN)</strong></a>
            <span class="muted">\(chrome.t(kind.label)) · \(chrome.t("จังหวัด", "Province")) \(t.provinceName)</span></li>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("เทศบาลที่ใช้งานเมือง", "Municipalities on Mueang"))</h1>
        <p>\(chrome.t("แพลตฟอร์มข้อมูลเมืองสำหรับองค์กรปกครองส่วนท้องถิ่น: ทะเบียนของทุกกอง ข้อมูลสุขภาพจาก อสม. ไข้เลือดออก ภาษีป้าย และข้อมูลเปิด", "A city data platform for Thai local government: division registers, volunteer health data, dengue, signboard tax and open data."))</p>
        <ul class="cards" id="tenants">\(cards)</ul>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("หน้าแรก", "Home"), body))
    }

    /// Remembers the reader's language in a cookie and returns to the page they came from.
    static func language(_ req: Request) async throws -> Response {
        let to = Language(rawValue: (try? req.query.get(String.self, at: "to")) ?? "") ?? .th
        var back = (try? req.query.get(String.self, at: "back")) ?? "/"
        // Only local paths: never an open redirect to another site.
        if !back.hasPrefix("/") || back.hasPrefix("//") || back.contains("\\") { back = "/" }
        let response = req.redirect(to: back, redirectType: .normal)
        response.cookies[Cookies.language] = HTTPCookies.Value(
            string: to.rawValue, maxAge: 365 * 24 * 3600, path: "/", isSecure: req.application.appConfig.secureCookies,
            isHTTPOnly: false, sameSite: .lax)
        return response
    }

    static func healthz(_ req: Request) async throws -> Response {
        struct Health: Content { let status: String; let database: String }
        do {
            guard let sql = req.db as? any SQLDatabase else { throw AppError.notFound }
            _ = try await sql.raw("SELECT 1").all()
            return try await Health(status: "ok", database: "ok").encodeResponse(for: req)
        } catch {
            let response = try await Health(status: "unavailable", database: "unreachable").encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }

    static func metrics(_ req: Request) async throws -> Response {
        await req.application.poolGauges.refresh(req)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: MetricsSetup.registry.emitToString()))
    }

    static func apiTenants(_ req: Request) async throws -> Response {
        struct Item: Content { let slug: String; let name: LocalizedMessage; let kind: String; let province: String }
        let items = try await Tenant.query(on: req.db).sort(\.$slug).all().map {
            Item(slug: $0.slug, name: .init(th: $0.displayNameTH, en: $0.displayNameEN), kind: $0.kind, province: $0.provinceName)
        }
        return try await ListBody(items: items, total: items.count).encodeResponse(for: req)
    }

    static func apiMe(_ req: Request) async throws -> Response {
        guard let user = req.currentUser, user.viaToken else { throw AppError.signInRequired }
        struct Me: Content { let username: String; let displayName: String; let role: String; let tenant: String? }
        var slug: String?
        if let tid = user.tenantID { slug = try await Tenant.find(tid, on: req.db)?.slug }
        return try await Me(username: user.username, displayName: user.displayName, role: user.role.rawValue, tenant: slug).encodeResponse(for: req)
    }
}

