import Vapor
import Fluent
import ThaiConventions

/// Branding and modules, changed by the tenant's admin and shown on the next page load.
enum SettingsController {
    static let maxLogoBytes = 512 * 1024

    static func register(_ site: Site) {
        site.page(.GET, .settings, .requires(.manageSettings)) { req, ctx in try await show(req, ctx) }
        site.page(.POST, .settings, .requires(.manageSettings), save)
        site.page(.GET, .logo, .public, logo)
        site.page(.POST, .logo, .requires(.manageSettings), maxBody: "1mb", uploadLogo)
    }

    struct SettingsForm: Content {
        var displayNameTH: String
        var displayNameEN: String
        var primaryColor: String
        var accentColor: String
        var defaultLanguage: String
        var modules: [String]?
    }

    static func show(_ req: Request, _ ctx: TenantContext, error: AppError? = nil) async throws -> Response {
        guard let t = try await Tenant.find(ctx.tenant.id, on: req.db) else { throw AppError.unknownTenant }
        let chrome = req.chrome(ctx, notice: error?.message ?? notice(req))
        let enabled = Set(PlatformModule.parseList(t.modules))
        let body: HTML = """
        <h1>\(chrome.t("ตั้งค่าเทศบาล", "Municipality settings"))</h1>
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .settings).path)" class="stack card" id="settings-form">
          \(chrome.csrfField)
          <label>\(chrome.t("ชื่อที่แสดง (ไทย)", "Display name (Thai)"))<input id="displayNameTH" name="displayNameTH" required maxlength="200" value="\(t.displayNameTH)"></label>
          <label>\(chrome.t("ชื่อที่แสดง (อังกฤษ)", "Display name (English)"))<input id="displayNameEN" name="displayNameEN" required maxlength="200" value="\(t.displayNameEN)"></label>
          <div class="row">
          <label>\(chrome.t("สีหลัก", "Primary colour"))<input id="primaryColor" name="primaryColor" type="color" value="\(t.primaryColor)"></label>
          <label>\(chrome.t("สีเน้น", "Accent colour"))<input id="accentColor" name="accentColor" type="color" value="\(t.accentColor)"></label>
          </div>
          <label>\(chrome.t("ภาษาเริ่มต้น", "Default language"))<select name="defaultLanguage">
            <option value="th"\(t.defaultLanguage == "th" ? HTML(raw: " selected") : .empty)>ไทย</option>
            <option value="en"\(t.defaultLanguage == "en" ? HTML(raw: " selected") : .empty)>English</option></select></label>
          <fieldset><legend>\(chrome.t("บริการที่เปิดใช้", "Enabled modules"))</legend>
          \(PlatformModule.allCases.html { m in "<label class=\"check\"><input type=\"checkbox\" name=\"modules[]\" value=\"\(m.rawValue)\"\(enabled.contains(m) ? HTML(raw: " checked") : .empty)> \(chrome.t(m.label))</label>" })
          </fieldset>
          <button id="settings-save" type="submit">\(chrome.t("บันทึก", "Save"))</button>
        </form>
        <form method="post" action="\(SiteURL.tenant(ctx.tenant.slug, .logo).path)" enctype="multipart/form-data" class="stack card" id="logo-form">
          <h2>\(chrome.t("ตราสัญลักษณ์", "Logo"))</h2>
          \(chrome.csrfField)
          <input type="file" name="logo" accept="image/png,image/jpeg,image/webp">
          <p class="muted">\(chrome.t("PNG, JPEG หรือ WebP ไม่เกิน 512 KB", "PNG, JPEG or WebP, up to 512 KB"))</p>
          <button type="submit">\(chrome.t("อัปโหลด", "Upload"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ตั้งค่า", "Settings"), body), status: error?.status ?? .ok)
    }

    static func save(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        do {
            let f = try req.content.decode(SettingsForm.self)
            let th = f.displayNameTH.trimmingCharacters(in: .whitespaces), en = f.displayNameEN.trimmingCharacters(in: .whitespaces)
            guard !th.isEmpty, !en.isEmpty, th.count <= 200, en.count <= 200 else {
                throw AppError.invalid(th: "ต้องระบุชื่อที่แสดงทั้งภาษาไทยและอังกฤษ (ไม่เกิน 200 ตัวอักษร)", en: "Both display names are required (up to 200 characters).")
            }
            let primary = f.primaryColor.lowercased(), accent = f.accentColor.lowercased()
            try PlatformService.validateColor(primary)
            try PlatformService.validateColor(accent)
            guard let lang = Language(rawValue: f.defaultLanguage) else {
                throw AppError.invalid(th: "ภาษาเริ่มต้นต้องเป็น th หรือ en", en: "The default language must be th or en.")
            }
            let modules = try (f.modules ?? []).map { raw -> PlatformModule in
                guard let m = PlatformModule(rawValue: raw) else { throw AppError.invalid(th: "ไม่รู้จักบริการ \(raw)", en: "Unknown module \(raw).") }
                return m
            }
            guard let t = try await Tenant.find(ctx.tenant.id, on: req.db) else { throw AppError.unknownTenant }
            let before = "\(t.displayNameTH) \(t.primaryColor)/\(t.accentColor) [\(t.modules)]"
            t.displayNameTH = th; t.displayNameEN = en; t.primaryColor = primary; t.accentColor = accent
            t.defaultLanguage = lang.rawValue
            t.modules = PlatformModule.allCases.filter(Set(modules).contains).map(\.rawValue).joined(separator: ",")
            try await TenantScope.writeTransaction(on: req.db) { tx in
                try await t.update(on: tx)
                try await req.audit("update", "settings", id: t.slug, "\(before) → \(th) \(primary)/\(accent) [\(t.modules)]", on: tx)
            }
            req.application.tenantCache.invalidate(ctx.tenant.slug)
            return req.redirect(.tenant(ctx.tenant.slug, .settings), notice: "saved")
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await show(req, ctx, error: e)
        }
    }

    static func logo(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        guard let asset = try await ctx.scope.query(TenantAsset.self).filter(\.$kind == "logo").first() else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: asset.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: asset.data))
    }

    /// The type comes from the file's first bytes, not from what the browser claims.
    static func imageType(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(12))
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.count >= 12, b[0...3] == [0x52, 0x49, 0x46, 0x46], b[8...11] == [0x57, 0x45, 0x42, 0x50] { return "image/webp" }
        return nil
    }

    static func uploadLogo(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Upload: Content { var logo: File }
        do {
            let upload = try req.content.decode(Upload.self)
            let data = Data(buffer: upload.logo.data)
            guard !data.isEmpty else { throw AppError.invalid(th: "ไฟล์ว่างเปล่า", en: "The file is empty.") }
            guard data.count <= maxLogoBytes else { throw AppError(.payloadTooLarge, th: "ไฟล์ใหญ่เกิน 512 KB", en: "The file is larger than 512 KB.") }
            guard let type = imageType(data) else {
                throw AppError(.unsupportedMediaType, th: "รองรับเฉพาะไฟล์ PNG, JPEG หรือ WebP", en: "Only PNG, JPEG or WebP images are accepted.")
            }
            try await ctx.scope.transaction { scope in
                let asset = try await scope.query(TenantAsset.self).filter(\.$kind == "logo").first() ?? TenantAsset()
                asset.kind = "logo"; asset.contentType = type; asset.data = data; asset.updatedAt = Date()
                if asset.id == nil { try await scope.create(asset) } else { try await asset.update(on: scope.db) }
                try await req.audit("update", "logo", id: ctx.tenant.slug, "uploaded logo (\(data.count) bytes, \(type))", on: scope.db)
            }
            req.application.tenantCache.invalidate(ctx.tenant.slug)
            return req.redirect(.tenant(ctx.tenant.slug, .settings), notice: "saved")
        } catch let e as AppError where (400..<500).contains(e.status.code) {
            return try await show(req, ctx, error: e)
        }
    }
}
