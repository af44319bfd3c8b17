import Vapor
import Fluent
import ThaiConventions

/// Villages (หมู่ที่ N) and communities (ชุมชน): the units volunteers and surveys are organised by.
enum VillagesController {
    static func register(_ site: Site) {
        site.page(.GET, .villages, .requires(.viewTenantInternals)) { req, ctx in try await list(req, ctx) }
        site.page(.POST, .villages, .requires(.manageVillages), create)
        site.page(.GET, .village(.pattern), .requires(.manageVillages)) { req, ctx in try await edit(req, ctx) }
        site.page(.POST, .village(.pattern), .requires(.manageVillages), update)
        site.page(.POST, .villageDelete(.pattern), .requires(.manageVillages), delete)
        site.api(.GET, .villages, .requires(.viewTenantInternals), apiList)
    }

    enum Kind: String, CaseIterable { case moo, community }

    struct VillageForm: Content {
        var kind: String
        var number: String?
        var nameTH: String
        var nameEN: String?
        var boundary: String?

        struct Valid { let kind: Kind; let number: Int?; let th: String; let en: String; let boundary: String? }

        func validated() throws -> Valid {
            guard let kind = Kind(rawValue: kind) else {
                throw AppError.invalid(th: "ประเภทต้องเป็นหมู่บ้านหรือชุมชน", en: "The kind must be village or community.")
            }
            let rawNumber = (number ?? "").trimmingCharacters(in: .whitespaces)
            let parsed = rawNumber.isEmpty ? nil : ThaiDigits.parseInteger(rawNumber)
            if !rawNumber.isEmpty && (parsed == nil || !(1...999).contains(parsed!)) {
                throw AppError.invalid(th: "หมู่ที่ต้องเป็นตัวเลข 1-999 (ใช้เลขไทยได้)", en: "The village number must be 1-999 (Thai digits are fine).")
            }
            if kind == .moo && parsed == nil {
                throw AppError.invalid(th: "หมู่บ้านต้องมีเลขหมู่ที่", en: "A village needs its number (หมู่ที่).")
            }
            let th = nameTH.trimmingCharacters(in: .whitespaces)
            guard !th.isEmpty, th.count <= 200 else {
                throw AppError.invalid(th: "ต้องระบุชื่อภาษาไทย (ไม่เกิน 200 ตัวอักษร)", en: "A Thai name (up to 200 characters) is required.")
            }
            let en = (nameEN ?? "").trimmingCharacters(in: .whitespaces)
            let boundary = (boundary ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !boundary.isEmpty { try validatePolygon(boundary) }
            return Valid(kind: kind, number: parsed, th: th, en: en.isEmpty ? th : en, boundary: boundary.isEmpty ? nil : boundary)
        }
    }

    /// A boundary is a GeoJSON Polygon or MultiPolygon of longitude/latitude pairs.
    static func validatePolygon(_ text: String) throws {
        let bad = AppError.invalid(th: "ขอบเขตต้องเป็น GeoJSON ชนิด Polygon หรือ MultiPolygon", en: "The boundary must be a GeoJSON Polygon or MultiPolygon.")
        guard text.utf8.count <= 500_000, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let type = object["type"] as? String, ["Polygon", "MultiPolygon"].contains(type), object["coordinates"] is [Any]
        else { throw bad }
    }

    static func label(_ v: Village, _ chrome: PageChrome) -> String {
        if let n = v.number, v.kind == Kind.moo.rawValue { return chrome.t("หมู่ที่ \(n) \(v.nameTH)", "Moo \(n) \(v.nameEN)") }
        return chrome.t(v.nameTH, v.nameEN)
    }

    static func list(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error?.message ?? notice(req))
        let villages = try await ctx.scope.query(Village.self).sort(\.$number).sort(\.$nameTH).all()
        let canEdit = chrome.can(.manageVillages)
        let rows = villages.html { v in
            """
            <tr><td>\(v.kind == Kind.moo.rawValue ? chrome.t("หมู่บ้าน", "Village") : chrome.t("ชุมชน", "Community"))</td>
            <td>\(v.number.map(String.init) ?? "–")</td><td>\(v.nameTH)</td><td>\(v.nameEN)</td>
            <td>\(canEdit ? "<a href=\"\(SiteURL.tenant(ctx.tenant.slug, .village(.id(v.id!))).path)\">\(chrome.t("แก้ไข", "Edit"))</a>" as HTML : .empty)</td></tr>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("หมู่บ้านและชุมชน", "Villages and communities"))</h1>
        <div class="table-wrap"><table id="village-table"><thead><tr><th>\(chrome.t("ประเภท", "Kind"))</th><th>\(chrome.t("หมู่ที่", "No."))</th><th>\(chrome.t("ชื่อ (ไทย)", "Name (Thai)"))</th><th>\(chrome.t("ชื่อ (อังกฤษ)", "Name (English)"))</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        \(canEdit ? form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .villages).path, village: nil) : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("หมู่บ้าน/ชุมชน", "Villages"), body), status: error?.status ?? .ok)
    }

    static func form(_ chrome: PageChrome, action: String, village: Village?) -> HTML {
        let kind = village?.kind ?? Kind.moo.rawValue
        return """
        <form method="post" action="\(action)" class="stack card" id="village-form">
          <h2>\(village == nil ? chrome.t("เพิ่มหมู่บ้าน/ชุมชน", "Add a village or community") : chrome.t("แก้ไข", "Edit"))</h2>
          \(chrome.csrfField)
          <label>\(chrome.t("ประเภท", "Kind"))<select name="kind">
            <option value="moo"\(kind == "moo" ? HTML(raw: " selected") : .empty)>\(chrome.t("หมู่บ้าน (หมู่ที่)", "Village (moo)"))</option>
            <option value="community"\(kind == "community" ? HTML(raw: " selected") : .empty)>\(chrome.t("ชุมชน", "Community"))</option>
          </select></label>
          <label>\(chrome.t("หมู่ที่ (ใช้เลขไทยได้)", "Number (Thai digits accepted)"))<input name="number" inputmode="numeric" value="\(village?.number.map(String.init))"></label>
          <label>\(chrome.t("ชื่อภาษาไทย", "Thai name"))<input name="nameTH" required maxlength="200" value="\(village?.nameTH)"></label>
          <label>\(chrome.t("ชื่อภาษาอังกฤษ", "English name"))<input name="nameEN" maxlength="200" value="\(village?.nameEN)"></label>
          <label>\(chrome.t("ขอบเขต (GeoJSON, ไม่บังคับ)", "Boundary (GeoJSON, optional)"))<textarea name="boundary" rows="3">\(village?.boundaryGeoJSON)</textarea></label>
          <button type="submit">\(chrome.t("บันทึก", "Save"))</button>
        </form>
        """
    }

    static func apply(_ f: VillageForm.Valid, to v: Village) {
        v.kind = f.kind.rawValue; v.number = f.number; v.nameTH = f.th; v.nameEN = f.en; v.boundaryGeoJSON = f.boundary
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        do {
            let f = try req.content.decode(VillageForm.self).validated()
            let v = Village()
            apply(f, to: v)
            v.createdAt = Date()
            try await ctx.scope.transaction { scope in
                try await scope.create(v)
                try await req.audit("create", "village", id: v.id?.uuidString, "created \(v.kind) \(v.number.map(String.init) ?? "") \(v.nameTH)", on: scope.db)
            }
            return req.redirect(.tenant(ctx.tenant.slug, .villages), notice: "created")
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await list(req, ctx, error: e)
        }
    }

    static func find(_ req: Request, _ ctx: TenantContext) async throws -> Village {
        guard let v = try await ctx.scope.find(Village.self, req.parameters.get("id", as: UUID.self)) else { throw AppError.notFound }
        return v
    }

    static func edit(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        let v = try await find(req, ctx)
        let chrome = req.chrome(ctx, notice: error?.message)
        let body: HTML = """
        <p><a href="\(SiteURL.tenant(ctx.tenant.slug, .villages).path)">← \(chrome.t("ทั้งหมด", "All villages"))</a></p>
        \(form(chrome, action: SiteURL.tenant(ctx.tenant.slug, .village(.id(v.id!))).path, village: v))
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .villageDelete(.id(v.id!))).path)" class="danger">
          \(chrome.csrfField)<button type="submit">\(chrome.t("ลบ", "Delete"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: label(v, chrome), body), status: error?.status ?? .ok)
    }

    static func update(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let v = try await find(req, ctx)
        do {
            let f = try req.content.decode(VillageForm.self).validated()
            apply(f, to: v)
            try await ctx.scope.transaction { scope in
                try await v.update(on: scope.db)
                try await req.audit("update", "village", id: v.id?.uuidString, "updated \(v.nameTH)", on: scope.db)
            }
            return req.redirect(.tenant(ctx.tenant.slug, .villages), notice: "saved")
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await edit(req, ctx, error: e)
        }
    }

    static func delete(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let v = try await find(req, ctx)
        try await ctx.scope.transaction { scope in
            try await scope.query(UserVillage.self).filter(\.$villageID == v.requireID()).delete()
            try await v.delete(on: scope.db)
            try await req.audit("delete", "village", id: v.id?.uuidString, "deleted \(v.nameTH)", on: scope.db)
        }
        return req.redirect(.tenant(ctx.tenant.slug, .villages), notice: "deleted")
    }

    static func apiList(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Item: Content { let id: UUID; let kind: String; let number: Int?; let name: LocalizedMessage }
        let items = try await ctx.scope.query(Village.self).sort(\.$number).all().map {
            Item(id: $0.id!, kind: $0.kind, number: $0.number, name: .init(th: $0.nameTH, en: $0.nameEN))
        }
        return try await ListBody(items: items, total: items.count).encodeResponse(for: req)
    }
}
