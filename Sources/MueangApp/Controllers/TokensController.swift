import Vapor
import Fluent

/// A person's own API tokens: create (shown once), list, revoke.
enum TokensController {
    static func register(_ site: Site) {
        site.page(.GET, .tokens, .requires(.manageOwnTokens)) { req, ctx in try await list(req, ctx) }
        site.page(.POST, .tokens, .requires(.manageOwnTokens), create)
        site.page(.POST, .tokenRevoke(.pattern), .requires(.manageOwnTokens), revoke)
    }

    static func list(_ req: Request, _ ctx: TenantContext, newToken: String? = nil) async throws -> Response {
        let user = try ctx.require(.manageOwnTokens)
        let chrome = req.chrome(ctx, notice: notice(req))
        let tokens = try await ctx.scope.apiTokens().filter(\.$userID == user.id).sort(\.$createdAt, .descending).all()
        let rows = tokens.html { t in
            """
            <tr><td>\(t.name)</td><td>\(chrome.dateTime(t.createdAt))</td><td>\(t.lastUsedAt.map(chrome.dateTime) ?? "–")</td>
            <td>\(t.revokedAt == nil ? """
            <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .tokenRevoke(.id(t.id!))).path)">\(chrome.csrfField)<button type="submit">\(chrome.t("ยกเลิก", "Revoke"))</button></form>
            """ as HTML : HTML(raw: HTML.escape(chrome.t("ยกเลิกแล้ว", "Revoked"))))</td></tr>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("โทเคน API ของฉัน", "My API tokens"))</h1>
        \(newToken.map { "<div class=\"card\" id=\"new-token\"><p>\(chrome.t("คัดลอกโทเคนนี้ไว้ จะไม่แสดงอีก", "Copy this token now; it will not be shown again."))</p><code>\($0)</code></div>" as HTML } ?? .empty)
        <div class="table-wrap"><table><thead><tr><th>\(chrome.t("ชื่อ", "Name"))</th><th>\(chrome.t("สร้างเมื่อ", "Created"))</th><th>\(chrome.t("ใช้ล่าสุด", "Last used"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .tokens).path)" class="row card">
          \(chrome.csrfField)<label>\(chrome.t("ชื่อโทเคน", "Token name"))<input name="name" required maxlength="100"></label>
          <button type="submit">\(chrome.t("สร้างโทเคน", "Create token"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("โทเคน API", "API tokens"), body))
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let current = try ctx.require(.manageOwnTokens)
        struct Form: Content { var name: String }
        let name = try req.content.decode(Form.self).name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw AppError.invalid(th: "ต้องระบุชื่อโทเคน", en: "A token name is required.") }
        guard let user = try await ctx.scope.user(current.id) else { throw AppError.forbidden }
        let token = try await PlatformService(db: req.db, passwordCost: 4).createToken(for: user, name: name)
        try await req.audit("create", "api-token", "created API token \(name)")
        return try await list(req, ctx, newToken: token)
    }

    static func revoke(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.manageOwnTokens)
        guard let id = req.parameters.get("id", as: UUID.self),
              let token = try await ctx.scope.apiTokens().filter(\.$id == id).filter(\.$userID == user.id).first()
        else { throw AppError.notFound }
        token.revokedAt = Date()
        try await token.update(on: req.db)
        try await req.audit("update", "api-token", id: id.uuidString, "revoked API token \(token.name)")
        return req.redirect(.tenant(ctx.tenant.slug, .tokens), notice: "revoked")
    }
}
