import Vapor
import ThaiConventions

/// What every page shows around its content: the tenant's branding, the person, the language.
/// A plain value, so pages render in tests without a server or database.
public struct PageChrome: Sendable {
    public var lang: Language
    public var tenant: TenantInfo?
    public var user: CurrentUser?
    public var csrf: String
    public var currentPath: String
    public var notice: LocalizedMessage?

    public init(lang: Language, tenant: TenantInfo?, user: CurrentUser?, csrf: String, currentPath: String, notice: LocalizedMessage? = nil) {
        self.lang = lang
        self.tenant = tenant
        self.user = user
        self.csrf = csrf
        self.currentPath = currentPath
        self.notice = notice
    }

    /// Picks the Thai or English text; every label in the views goes through here.
    public func t(_ th: String, _ en: String) -> String { lang == .th ? th : en }
    public func t(_ pair: (th: String, en: String)) -> String { lang == .th ? pair.th : pair.en }
    public func t(_ m: LocalizedMessage) -> String { m.text(in: lang) }

    /// The hidden CSRF field every form carries.
    public var csrfField: HTML { "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf)\">" }

    public func dateTime(_ date: Date) -> String {
        lang == .th ? BangkokTime.format(date, style: .thaiShort) : BangkokTime.format(date, style: .english)
    }

    var signedInHere: Bool {
        guard let user, let tenant else { return false }
        return user.belongs(to: tenant.id)
    }

    func can(_ p: Permission) -> Bool { signedInHere && (user?.allows(p) ?? false) }
}

enum Layout {
    static func render(_ chrome: PageChrome, title: String, _ content: HTML) -> HTML {
        let lang = chrome.lang
        let siteName = chrome.tenant?.displayName(lang) ?? chrome.t("เมือง — แพลตฟอร์มข้อมูลเมือง", "Mueang city data platform")
        let primary = chrome.tenant?.primaryColor ?? "#1d4f91"
        let accent = chrome.tenant?.accentColor ?? "#f2a900"
        let other: Language = lang == .th ? .en : .th
        let switchURL = SiteURL.language.path + "?to=\(other.rawValue)&back=" + (chrome.currentPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        return """
        <!doctype html>
        <html lang="\(lang.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · \(siteName)</title>
        <link rel="stylesheet" href="\(SiteURL.asset("app.css").path)">
        <style>:root { --primary: \(primary); --accent: \(accent); }</style>
        </head>
        <body>
        <header class="topbar">
          <a class="brand" href="\(chrome.tenant.map { SiteURL.tenant($0.slug, .home).path } ?? "/")">\(logo(chrome))<span id="site-name">\(siteName)</span></a>
          <nav class="userbar">
            <a id="lang-switch" href="\(switchURL)" lang="\(other.rawValue)">\(other == .en ? "English" : "ไทย")</a>
            \(userBox(chrome))
          </nav>
        </header>
        \(tenantNav(chrome))
        <main>
        \(chrome.notice.map { "<p class=\"notice\" role=\"status\">\(chrome.t($0))</p>" as HTML } ?? .empty)
        \(content)
        </main>
        <footer><a href="/">\(chrome.t("เมือง · แพลตฟอร์มข้อมูลเมืองสำหรับท้องถิ่นไทย", "Mueang · city data for Thai local government"))</a></footer>
        </body>
        </html>
        """
    }

    static func logo(_ chrome: PageChrome) -> HTML {
        guard let tenant = chrome.tenant, tenant.hasLogo else { return .empty }
        return "<img class=\"logo\" src=\"\(SiteURL.tenant(tenant.slug, .logo).path)\" alt=\"\">"
    }

    static func userBox(_ chrome: PageChrome) -> HTML {
        if let user = chrome.user {
            let logoutTarget = chrome.tenant.map { SiteURL.tenant($0.slug, .logout).path } ?? SiteURL.logout.path
            return """
            <span class="who">\(user.displayName) · \(chrome.t(user.role.label))</span>
            <form method="post" action="\(logoutTarget)" class="inline">\(chrome.csrfField)<button id="logout" type="submit">\(chrome.t("ออกจากระบบ", "Sign out"))</button></form>
            """
        }
        let loginURL = chrome.tenant.map { SiteURL.tenant($0.slug, .login).path } ?? SiteURL.operatorLogin.path
        return "<a id=\"login-link\" href=\"\(loginURL)\">\(chrome.t("เข้าสู่ระบบ", "Sign in"))</a>"
    }

    static func tenantNav(_ chrome: PageChrome) -> HTML {
        guard let tenant = chrome.tenant, chrome.signedInHere else { return .empty }
        var items: [(String, String, String)] = [(SiteURL.tenant(tenant.slug, .home).path, "หน้าหลัก", "Home")]
        if chrome.can(.viewTenantInternals) {
            items.append((SiteURL.tenant(tenant.slug, .divisions).path, "กอง", "Divisions"))
            items.append((SiteURL.tenant(tenant.slug, .villages).path, "หมู่บ้าน/ชุมชน", "Villages"))
        }
        if chrome.can(.readDatasets) { items.append((SiteURL.tenant(tenant.slug, .datasets).path, "ฐานข้อมูลเมือง", "City database")) }
        if chrome.can(.viewUsers) { items.append((SiteURL.tenant(tenant.slug, .users).path, "ผู้ใช้", "Users")) }
        if chrome.can(.manageSettings) { items.append((SiteURL.tenant(tenant.slug, .settings).path, "ตั้งค่า", "Settings")) }
        if chrome.can(.viewAuditLog) { items.append((SiteURL.tenant(tenant.slug, .audit).path, "บันทึกการใช้งาน", "Audit log")) }
        if chrome.can(.manageOwnTokens) { items.append((SiteURL.tenant(tenant.slug, .tokens).path, "โทเคน API", "API tokens")) }
        return "<nav class=\"tabs\">\(items.html { item in "<a href=\"\(item.0)\"\(item.0 == chrome.currentPath ? HTML(raw: " aria-current=\"page\"") : .empty)>\(chrome.t(item.1, item.2))</a>" })</nav>"
    }
}

enum ErrorPage {
    static func response(req: Request, status: HTTPResponseStatus, message: LocalizedMessage) -> Response {
        let ctx = req.storage[TenantContextKey.self]
        let chrome = PageChrome(lang: req.language, tenant: ctx?.tenant, user: req.currentUser, csrf: req.csrfToken, currentPath: req.url.path)
        var body: HTML = """
        <section class="error" data-status="\(Int(status.code))">
          <h1>\(chrome.t("ขออภัย", "Sorry")) (\(Int(status.code)))</h1>
          <p lang="th">\(message.th)</p>
          <p lang="en">\(message.en)</p>
        """
        if status == .unauthorized {
            let login = ctx.map { SiteURL.tenant($0.tenant.slug, .login).path } ?? SiteURL.operatorLogin.path
            body = "\(body)<p><a class=\"button\" href=\"\(login)?next=\(req.url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")\">\(chrome.t("เข้าสู่ระบบ", "Sign in"))</a></p>"
        }
        body = "\(body)</section>"
        return htmlResponse(Layout.render(chrome, title: chrome.t("เกิดข้อผิดพลาด", "Error"), body), status: status)
    }
}

func htmlResponse(_ html: HTML, status: HTTPResponseStatus = .ok) -> Response {
    var headers = HTTPHeaders()
    headers.contentType = HTTPMediaType(type: "text", subType: "html", parameters: ["charset": "utf-8"])
    headers.add(name: "X-Content-Type-Options", value: "nosniff")
    headers.add(name: "X-Frame-Options", value: "DENY")
    headers.add(name: "Referrer-Policy", value: "same-origin")
    return Response(status: status, headers: headers, body: .init(string: html.rendered))
}

extension Request {
    func chrome(_ ctx: TenantContext?, notice: LocalizedMessage? = nil) -> PageChrome {
        PageChrome(lang: language, tenant: ctx?.tenant, user: currentUser, csrf: csrfToken, currentPath: url.path, notice: notice)
    }

    func redirect(_ url: SiteURL, notice: String? = nil) -> Response {
        redirect(to: url.path + (notice.map { "?notice=\($0)" } ?? ""), redirectType: .normal)
    }
}
