import Vapor
import Fluent
import ThaiConventions

/// Password sign-in for tenant users (`/t/{slug}/login`) and operators (`/login`).
enum AuthController {
    static func register(_ site: Site) {
        site.page(.GET, .login, .public) { req, ctx in try await loginForm(req, ctx: ctx) }
        site.page(.POST, .login, .public) { req, ctx in try await login(req, ctx: ctx) }
        site.page(.POST, .logout, .public) { req, ctx in try await logout(req, ctx: ctx) }
    }

    struct LoginForm: Content {
        var username: String
        var password: String
        var next: String?
    }

    static func loginForm(_ req: Request, ctx: TenantContext?, error: LocalizedMessage? = nil,
                          status: HTTPResponseStatus = .ok, username: String = "") async throws -> Response {
        let chrome = req.chrome(ctx)
        let action = ctx.map { SiteURL.tenant($0.tenant.slug, .login).path } ?? SiteURL.operatorLogin.path
        let next = (try? req.query.get(String.self, at: "next")) ?? (try? req.content.get(String.self, at: "next")) ?? ""
        let expired = req.storage[StaleSessionKey.self] == true
        let body: HTML = """
        <section class="narrow">
        <h1>\(chrome.t("เข้าสู่ระบบ", "Sign in"))</h1>
        \(ctx == nil ? "<p>\(chrome.t("สำหรับผู้ดูแลแพลตฟอร์ม", "For platform operators"))</p>" as HTML : .empty)
        \(expired && error == nil ? "<p class=\"notice\">\(chrome.t(AppError.sessionExpired.message))</p>" as HTML : .empty)
        \(error.map { "<p class=\"error-text\" role=\"alert\">\(chrome.t($0))</p>" as HTML } ?? .empty)
        <form method="post" action="\(action)" class="stack">
          \(chrome.csrfField)
          <input type="hidden" name="next" value="\(next)">
          <label>\(chrome.t("ชื่อผู้ใช้", "Username"))<input id="username" name="username" autocomplete="username" required value="\(username)"></label>
          <label>\(chrome.t("รหัสผ่าน", "Password"))<input id="password" name="password" type="password" autocomplete="current-password" required></label>
          <button id="login-submit" type="submit">\(chrome.t("เข้าสู่ระบบ", "Sign in"))</button>
        </form>
        </section>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("เข้าสู่ระบบ", "Sign in"), body), status: status)
    }

    static func login(_ req: Request, ctx: TenantContext?) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = form.username.trimmingCharacters(in: .whitespaces)
        let throttleKeys = ["user:\(ctx?.tenant.slug ?? "-"):\(username.lowercased())", "ip:\(req.clientIP ?? "?")"]
        let throttle = req.application.loginThrottle
        if await throttle.isBlocked(keys: throttleKeys) {
            return try await loginForm(req, ctx: ctx, error: .init(
                th: "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่",
                en: "Too many failed sign-in attempts. Wait 15 minutes and try again."), status: .tooManyRequests, username: username)
        }
        let query = User.query(on: req.db).filter(\.$username == username).filter(\.$isActive == true)
        let user = try await (ctx.map { query.filter(\.$tenantID == $0.tenant.id) } ?? query.filter(\.$tenantID == nil).filter(\.$role == Role.operator.rawValue)).first()
        let password = form.password
        let ok: Bool
        if let hash = user?.passwordHash {
            ok = (try? await req.application.threadPool.runIfActive { try Bcrypt.verify(password, created: hash) }) ?? false
        } else {
            ok = false
        }
        guard ok, let user else {
            await throttle.recordFailure(keys: throttleKeys)
            try await Audit.record(on: req.db, tenantID: ctx?.tenant.id, user: nil, actor: username, action: "login-failed",
                                   objectType: "session", summary: "failed sign-in for \(username)", ip: req.clientIP, requestID: req.requestID)
            return try await loginForm(req, ctx: ctx, error: .init(th: "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", en: "Wrong username or password."),
                                       status: .unauthorized, username: username)
        }
        await throttle.reset(keys: [throttleKeys[0]])
        let token = Secrets.randomToken()
        let now = Date()
        let session = LoginSession()
        session.tenantID = user.tenantID
        session.userID = try user.requireID()
        session.tokenHash = Secrets.digest(token)
        session.createdAt = now
        session.lastSeenAt = now
        session.expiresAt = now.addingTimeInterval(Authenticator.sessionMaxAge)
        session.ip = req.clientIP
        try await session.create(on: req.db)
        try await Audit.record(on: req.db, tenantID: user.tenantID, user: nil, actor: user.username, action: "login",
                               objectType: "session", objectID: session.id?.uuidString, summary: "signed in",
                               ip: req.clientIP, requestID: req.requestID)
        var next = form.next ?? ""
        if !next.hasPrefix("/") || next.hasPrefix("//") || next.contains("\\") {
            next = ctx.map { SiteURL.tenant($0.tenant.slug, .home).path } ?? SiteURL.home.path
        }
        let response = req.redirect(to: next, redirectType: .normal)
        response.cookies[Cookies.session] = .session(token, secure: req.application.appConfig.secureCookies,
                                                     maxAge: Int(Authenticator.sessionMaxAge))
        return response
    }

    static func logout(_ req: Request, ctx: TenantContext?) async throws -> Response {
        if let cookie = req.cookies[Cookies.session]?.string {
            try await LoginSession.query(on: req.db).filter(\.$tokenHash == Secrets.digest(cookie)).delete()
        }
        if let user = req.currentUser {
            try await Audit.record(on: req.db, tenantID: user.tenantID, user: user, action: "logout", objectType: "session",
                                   summary: "signed out", ip: req.clientIP, requestID: req.requestID)
        }
        let response = req.redirect(to: ctx.map { SiteURL.tenant($0.tenant.slug, .home).path } ?? "/", redirectType: .normal)
        response.cookies[Cookies.session] = .expired
        return response
    }
}

struct LoginThrottleKey: StorageKey { typealias Value = LoginThrottle }

extension Application {
    var loginThrottle: LoginThrottle {
        if let t = storage[LoginThrottleKey.self] { return t }
        let t = LoginThrottle()
        storage[LoginThrottleKey.self] = t
        return t
    }
}
