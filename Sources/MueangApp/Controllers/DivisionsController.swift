import Vapor
import Fluent
import ThaiConventions

/// Divisions (กอง) of a tenant: everyone signed in reads them, the admin edits them.
enum DivisionsController {
    static func register(_ site: Site) {
        site.page(.GET, .divisions, .requires(.viewTenantInternals)) { req, ctx in try await list(req, ctx) }
        site.page(.POST, .divisions, .requires(.manageDivisions), create)
        site.page(.GET, .division(.pattern), .requires(.manageDivisions)) { req, ctx in try await edit(req, ctx) }
        site.page(.POST, .division(.pattern), .requires(.manageDivisions), update)
        site.page(.POST, .divisionDelete(.pattern), .requires(.manageDivisions), delete)
        site.api(.GET, .divisions, .requires(.viewTenantInternals), apiList)
    }

    struct DivisionForm: Content {
        var slug: String
        var nameTH: String
        var nameEN: String
        var sortOrder: String?

        func validated() throws -> (slug: String, th: String, en: String, order: Int) {
            let slug = slug.trimmingCharacters(in: .whitespaces).lowercased()
            try PlatformService.validateSlug(slug)
            let th = nameTH.trimmingCharacters(in: .whitespaces), en = nameEN.trimmingCharacters(in: .whitespaces)
            guard !th.isEmpty, th.count <= 200, en.count <= 200 else {
                throw AppError.invalid(th: "ต้องระบุชื่อกองภาษาไทย (ไม่เกิน 200 ตัวอักษร)", en: "A Thai division name (up to 200 characters) is required.")
            }
            let raw = (sortOrder ?? "").trimmingCharacters(in: .whitespaces)
            guard raw.isEmpty || ThaiDigits.parseInteger(raw) != nil else {
                throw AppError.invalid(th: "ลำดับต้องเป็นตัวเลข", en: "The order must be a number.")
            }
            return (slug, th, en.isEmpty ? th : en, raw.isEmpty ? 0 : ThaiDigits.parseInteger(raw) ?? 0)
        }
    }

    static func list(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error?.message ?? notice(req))
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).sort(\.$nameTH).all()
        let canEdit = chrome.can(.manageDivisions)
        let rows = divisions.html { d in
            """
            <tr><td>\(d.sortOrder)</td><td>\(d.nameTH)</td><td>\(d.nameEN)</td><td><code>\(d.slug)</code></td>
            <td>\(canEdit ? "<a href=\"\(SiteURL.tenant(ctx.tenant.slug, .division(.id(d.id!))).path)\">\(chrome.t("แก้ไข", "Edit"))</a>" as HTML : .empty)</td></tr>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("กองและหน่วยงาน", "Divisions"))</h1>
        <div class="table-wrap"><table id="division-table"><thead><tr><th>\(chrome.t("ลำดับ", "Order"))</th><th>\(chrome.t("ชื่อ (ไทย)", "Name (Thai)"))</th><th>\(chrome.t("ชื่อ (อังกฤษ)", "Name (English)"))</th><th>\(chrome.t("รหัส", "Slug"))</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        \(canEdit ? form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .divisions).path, division: nil) : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("กอง", "Divisions"), body), status: error?.status ?? .ok)
    }

    static func form(_ chrome: PageChrome, action: String, division: Division?) -> HTML {
        """
        <form method="post" action="\(action)" class="stack card" id="division-form">
          <h2>\(division == nil ? chrome.t("เพิ่มกอง", "Add a division") : chrome.t("แก้ไขกอง", "Edit division"))</h2>
          \(chrome.csrfField)
          <label>\(chrome.t("ชื่อภาษาไทย", "Thai name"))<input name="nameTH" required maxlength="200" value="\(division?.nameTH)"></label>
          <label>\(chrome.t("ชื่อภาษาอังกฤษ", "English name"))<input name="nameEN" maxlength="200" value="\(division?.nameEN)"></label>
          <label>\(chrome.t("รหัส (อักษรอังกฤษตัวเล็ก)", "Slug (lowercase letters)"))<input name="slug" required pattern="[a-z0-9-]{2,40}" value="\(division?.slug)"></label>
          <label>\(chrome.t("ลำดับ", "Order"))<input name="sortOrder" inputmode="numeric" value="\(division.map { String($0.sortOrder) })"></label>
          <button type="submit">\(chrome.t("บันทึก", "Save"))</button>
        </form>
        """
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        do {
            let f = try req.content.decode(DivisionForm.self).validated()
            try await ensureUnique(slug: f.slug, ctx: ctx, except: nil)
            let d = Division()
            d.slug = f.slug; d.nameTH = f.th; d.nameEN = f.en; d.sortOrder = f.order; d.createdAt = Date()
            try await ctx.scope.transaction { scope in
                try await scope.create(d)
                try await req.audit("create", "division", id: d.id?.uuidString, "created division \(d.slug)", on: scope.db)
            }
            return req.redirect(.tenant(ctx.tenant.slug, .divisions), notice: "created")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await list(req, ctx, error: e)
        }
    }

    static func ensureUnique(slug: String, ctx: TenantContext, except: UUID?) async throws {
        var q = ctx.scope.query(Division.self).filter(\.$slug == slug)
        if let except { q = q.filter(\.$id != except) }
        if try await q.first() != nil {
            throw AppError(.conflict, th: "มีกองที่ใช้รหัส \(slug) แล้ว", en: "Another division already uses the slug \(slug).")
        }
    }

    static func find(_ req: Request, _ ctx: TenantContext) async throws -> Division {
        guard let d = try await ctx.scope.find(Division.self, req.parameters.get("id", as: UUID.self)) else { throw AppError.notFound }
        return d
    }

    static func edit(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let d = try await find(req, ctx)
        let chrome = req.chrome(ctx, notice: error?.message)
        let body: HTML = """
        <p><a href="\(SiteURL.tenant(ctx.tenant.slug, .divisions).path)">← \(chrome.t("กองทั้งหมด", "All divisions"))</a></p>
        \(form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .division(.id(d.id!))).path, division: d))
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .divisionDelete(.id(d.id!))).path)" class="danger">
          \(chrome.csrfField)<button type="submit">\(chrome.t("ลบกองนี้", "Delete this division"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: d.nameTH, body), status: error?.status ?? .ok)
    }

    static func update(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let d = try await find(req, ctx)
        do {
            let f = try req.content.decode(DivisionForm.self).validated()
            try await ensureUnique(slug: f.slug, ctx: ctx, except: d.id)
            let before = "\(d.slug) \(d.nameTH)"
            d.slug = f.slug; d.nameTH = f.th; d.nameEN = f.en; d.sortOrder = f.order
            try await ctx.scope.transaction { scope in
                try await d.update(on: scope.db)
                try await req.audit("update", "division", id: d.id?.uuidString, "\(before) → \(d.slug) \(d.nameTH)", on: scope.db)
            }
            return req.redirect(.tenant(ctx.tenant.slug, .divisions), notice: "saved")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await edit(req, ctx, error: e)
        }
    }

    static func delete(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let d = try await find(req, ctx)
        try await ctx.scope.transaction { scope in
            try await scope.query(UserDivision.self).filter(\.$divisionID == d.requireID()).delete()
            try await d.delete(on: scope.db)
            try await req.audit("delete", "division", id: d.id?.uuidString, "deleted division \(d.slug) \(d.nameTH)", on: scope.db)
        }
        return req.redirect(.tenant(ctx.tenant.slug, .divisions), notice: "deleted")
    }

    static func apiList(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Item: Content { let id: UUID; let slug: String; let name: LocalizedMessage; let sortOrder: Int }
        let items = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all().map {
            Item(id: $0.id!, slug: $0.slug, name: .init(th: $0.nameTH, en: $0.nameEN), sortOrder: $0.sortOrder)
        }
        return try await ListBody(items: items, total: items.count).encodeResponse(for: req)
    }
}
