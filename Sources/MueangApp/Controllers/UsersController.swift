import Vapor
import Fluent
import ThaiConventions

/// People of a tenant and what they may do. Names and roles are personal data: every view is audited.
enum UsersController {
    static func register(_ site: Site) {
        site.page(.GET, .users, .requires(.viewUsers)) { req, ctx in try await list(req, ctx) }
        site.page(.POST, .users, .requires(.manageUsers), create)
        site.page(.GET, .user(.pattern), .requires(.manageUsers)) { req, ctx in try await edit(req, ctx) }
        site.page(.POST, .user(.pattern), .requires(.manageUsers), update)
        site.page(.POST, .userDeactivate(.pattern), .requires(.manageUsers), deactivate)
        site.api(.GET, .users, .requires(.viewUsers), apiList)
    }

    /// Roles a municipal admin may hand out; the operator role is the platform's, never a tenant's.
    static let tenantRoles: [Role] = [.admin, .staff, .executive, .volunteer]

    struct UserForm: Content {
        var username: String?
        var displayName: String
        var role: String
        var password: String?
        var divisions: [UUID]?
        var villages: [UUID]?
    }

    static func list(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error?.message ?? notice(req))
        let users = try await ctx.scope.users().sort(\.$username).all()
        try await req.audit("read", "user-list", "viewed \(users.count) users", personalData: true)
        let canEdit = chrome.can(.manageUsers)
        let rows = users.html { u in
            """
            <tr class="\(u.isActive ? "" : "inactive")"><td>\(u.username)</td><td>\(u.displayName)</td><td>\(chrome.t(Role(rawValue: u.role)?.label ?? (u.role, u.role)))</td>
            <td>\(u.isActive ? chrome.t("ใช้งาน", "Active") : chrome.t("ระงับ", "Disabled"))</td><td>\(chrome.dateTime(u.createdAt))</td>
            <td>\(canEdit ? "<a href=\"\(SiteURL.tenant(ctx.tenant.slug, .user(.id(u.id!))).path)\">\(chrome.t("แก้ไข", "Edit"))</a>" as HTML : .empty)</td></tr>
            """
        }
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all()
        let villages = try await ctx.scope.query(Village.self).sort(\.$number).all()
        let body: HTML = """
        <h1>\(chrome.t("ผู้ใช้", "Users"))</h1>
        <div class="table-wrap"><table id="user-table"><thead><tr><th>\(chrome.t("ชื่อผู้ใช้", "Username"))</th><th>\(chrome.t("ชื่อที่แสดง", "Name"))</th><th>\(chrome.t("บทบาท", "Role"))</th><th>\(chrome.t("สถานะ", "Status"))</th><th>\(chrome.t("สร้างเมื่อ", "Created"))</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        \(canEdit ? form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .users).path, user: nil, divisions: divisions, villages: villages, selected: []) : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ผู้ใช้", "Users"), body), status: error?.status ?? .ok)
    }

    static func form(_ chrome: PageChrome, action: String, user: User?, divisions: [Division], villages: [Village], selected: Set<UUID>) -> HTML {
        let role = user?.role ?? Role.staff.rawValue
        return """
        <form method="post" action="\(action)" class="stack card" id="user-form">
          <h2>\(user == nil ? chrome.t("เพิ่มผู้ใช้", "Add a user") : chrome.t("แก้ไขผู้ใช้", "Edit user"))</h2>
          \(chrome.csrfField)
          \(user == nil ? "<label>\(chrome.t("ชื่อผู้ใช้", "Username"))<input name=\"username\" required maxlength=\"64\"></label>" as HTML : .empty)
          <label>\(chrome.t("ชื่อที่แสดง", "Display name"))<input name="displayName" required maxlength="200" value="\(user?.displayName)"></label>
          <label>\(chrome.t("บทบาท", "Role"))<select name="role">\(tenantRoles.html { r in "<option value=\"\(r.rawValue)\"\(r.rawValue == role ? HTML(raw: " selected") : .empty)>\(chrome.t(r.label))</option>" })</select></label>
          <label>\(user == nil ? chrome.t("รหัสผ่าน (อย่างน้อย 8 ตัว)", "Password (8 or more characters)") : chrome.t("ตั้งรหัสผ่านใหม่ (เว้นว่างถ้าไม่เปลี่ยน)", "New password (leave empty to keep)"))<input name="password" type="password" autocomplete="new-password" \(user == nil ? "required" : "")></label>
          <fieldset><legend>\(chrome.t("กองที่รับผิดชอบ (เจ้าหน้าที่)", "Divisions (staff)"))</legend>\(divisions.html { d in "<label class=\"check\"><input type=\"checkbox\" name=\"divisions[]\" value=\"\(d.id!.uuidString)\"\(selected.contains(d.id!) ? HTML(raw: " checked") : .empty)> \(chrome.t(d.nameTH, d.nameEN))</label>" })</fieldset>
          <fieldset><legend>\(chrome.t("หมู่บ้านที่รับผิดชอบ (อสม.)", "Villages (volunteers)"))</legend>\(villages.html { v in "<label class=\"check\"><input type=\"checkbox\" name=\"villages[]\" value=\"\(v.id!.uuidString)\"\(selected.contains(v.id!) ? HTML(raw: " checked") : .empty)> \(VillagesController.label(v, chrome))</label>" })</fieldset>
          <button type="submit">\(chrome.t("บันทึก", "Save"))</button>
        </form>
        """
    }

    static func parseRole(_ raw: String) throws -> Role {
        guard let role = Role(rawValue: raw), tenantRoles.contains(role) else {
            throw AppError.invalid(th: "บทบาทไม่ถูกต้อง", en: "Unknown role.")
        }
        return role
    }

    /// Division and village ids must be the tenant's own: foreign ids are refused, not linked.
    static func scopeLinks(_ f: UserForm, _ ctx: TenantContext, role: Role) async throws -> (divisions: [UUID], villages: [UUID]) {
        let divisions = role == .staff ? Array(Set(f.divisions ?? [])) : []
        let villages = role == .volunteer ? Array(Set(f.villages ?? [])) : []
        let foundD = divisions.isEmpty ? 0 : try await ctx.scope.query(Division.self).filter(\.$id ~~ divisions).count()
        let foundV = villages.isEmpty ? 0 : try await ctx.scope.query(Village.self).filter(\.$id ~~ villages).count()
        guard foundD == divisions.count, foundV == villages.count else {
            throw AppError.invalid(th: "กองหรือหมู่บ้านที่เลือกไม่มีอยู่ในเทศบาลนี้", en: "A chosen division or village is not in this municipality.")
        }
        return (divisions, villages)
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        do {
            let f = try req.content.decode(UserForm.self)
            let role = try parseRole(f.role)
            let links = try await scopeLinks(f, ctx, role: role)
            guard let tenant = try await Tenant.find(ctx.tenant.id, on: req.db) else { throw AppError.unknownTenant }
            var newUser = PlatformService.NewUser(username: (f.username ?? "").trimmingCharacters(in: .whitespaces),
                                                  displayName: f.displayName.trimmingCharacters(in: .whitespaces),
                                                  password: f.password ?? "", role: role)
            newUser.villageIDs = links.villages
            let service = PlatformService(db: req.db, passwordCost: req.application.appConfig.passwordCost)
            newUser.divisionSlugs = try await ctx.scope.query(Division.self).filter(\.$id ~~ links.divisions).all().map(\.slug)
            let user = try await service.createUser(newUser, tenant: tenant)
            try await req.audit("create", "user", id: user.id?.uuidString, "created user \(user.username) as \(role.rawValue)")
            return req.redirect(.tenant(ctx.tenant.slug, .users), notice: "created")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await list(req, ctx, error: e)
        }
    }

    static func find(_ req: Request, _ ctx: TenantContext) async throws -> User {
        guard let u = try await ctx.scope.user(req.parameters.get("id", as: UUID.self)) else { throw AppError.notFound }
        return u
    }

    static func edit(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let u = try await find(req, ctx)
        try await req.audit("read", "user", id: u.id?.uuidString, "viewed user \(u.username)", personalData: true)
        let chrome = req.chrome(ctx, notice: error?.message)
        let uid = try u.requireID()
        let selected = Set(try await ctx.scope.query(UserDivision.self).filter(\.$userID == uid).all().map(\.divisionID))
            .union(try await ctx.scope.query(UserVillage.self).filter(\.$userID == uid).all().map(\.villageID))
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all()
        let villages = try await ctx.scope.query(Village.self).sort(\.$number).all()
        let body: HTML = """
        <p><a href="\(SiteURL.tenant(ctx.tenant.slug, .users).path)">← \(chrome.t("ผู้ใช้ทั้งหมด", "All users"))</a></p>
        <p>\(chrome.t("ชื่อผู้ใช้", "Username")): <strong>\(u.username)</strong></p>
        \(form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .user(.id(uid))).path, user: u, divisions: divisions, villages: villages, selected: selected))
        \(u.isActive ? """
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .userDeactivate(.id(uid))).path)" class="danger">\(chrome.csrfField)<button type="submit">\(chrome.t("ระงับผู้ใช้นี้", "Disable this user"))</button></form>
        """ as HTML : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: u.displayName, body), status: error?.status ?? .ok)
    }

    static func update(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let u = try await find(req, ctx)
        do {
            let f = try req.content.decode(UserForm.self)
            let role = try parseRole(f.role)
            let links = try await scopeLinks(f, ctx, role: role)
            let name = f.displayName.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid(th: "ต้องระบุชื่อที่แสดง", en: "A display name is required.") }
            let newHash: String? = try await {
                guard let pw = f.password, !pw.isEmpty else { return nil }
                try PlatformService.validatePassword(pw)
                let cost = req.application.appConfig.passwordCost
                return try await req.application.threadPool.runIfActive { try Bcrypt.hash(pw, cost: cost) }
            }()
            try await ctx.scope.transaction { scope in
                let uid = try u.requireID()
                u.displayName = name
                u.role = role.rawValue
                if let newHash { u.passwordHash = newHash }
                try await u.update(on: scope.db)
                try await scope.query(UserDivision.self).filter(\.$userID == uid).delete()
                try await scope.query(UserVillage.self).filter(\.$userID == uid).delete()
                for d in links.divisions { let l = UserDivision(); l.userID = uid; l.divisionID = d; try await scope.create(l) }
                for v in links.villages { let l = UserVillage(); l.userID = uid; l.villageID = v; try await scope.create(l) }
                if newHash != nil { try await LoginSession.query(on: scope.db).filter(\.$userID == uid).delete() }
                try await req.audit("update", "user", id: uid.uuidString, "updated user \(u.username): role \(role.rawValue)\(newHash != nil ? ", password reset" : "")", on: scope.db)
            }
            return req.redirect(.tenant(ctx.tenant.slug, .users), notice: "saved")
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await edit(req, ctx, error: e)
        }
    }

    static func deactivate(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let u = try await find(req, ctx)
        try await ctx.scope.transaction { scope in
            let uid = try u.requireID()
            u.isActive = false
            try await u.update(on: scope.db)
            try await LoginSession.query(on: scope.db).filter(\.$userID == uid).delete()
            try await scope.apiTokens().filter(\.$userID == uid).filter(\.$revokedAt == nil).set(\.$revokedAt, to: Date()).update()
            try await req.audit("update", "user", id: uid.uuidString, "disabled user \(u.username)", on: scope.db)
        }
        return req.redirect(.tenant(ctx.tenant.slug, .users), notice: "saved")
    }

    static func apiList(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Item: Content { let id: UUID; let username: String; let displayName: String; let role: String; let active: Bool }
        let items = try await ctx.scope.users().sort(\.$username).all().map {
            Item(id: $0.id!, username: $0.username, displayName: $0.displayName, role: $0.role, active: $0.isActive)
        }
        try await req.audit("read", "user-list", "API read of \(items.count) users", personalData: true)
        return try await ListBody(items: items, total: items.count).encodeResponse(for: req)
    }
}
