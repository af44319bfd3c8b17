import Vapor
import Fluent
import ThaiConventions

/// The tenant's front page: who they are, their divisions, the modules they use.
enum TenantHomeController {
    static func register(_ site: Site) {
        site.page(.GET, .home, .public, home)
        site.api(.GET, .info, .public, apiInfo)
    }

    struct HomeModel: Sendable {
        var tenant: TenantInfo
        var location: String
        var divisions: [(th: String, en: String)]
        var villageCount: Int
    }

    static func home(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        guard let tenant = try await Tenant.find(ctx.tenant.id, on: req.db) else { throw AppError.unknownTenant }
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).sort(\.$nameTH).all()
        let villages = try await ctx.scope.query(Village.self).count()
        let chrome = req.chrome(ctx, notice: notice(req))
        let model = HomeModel(
            tenant: ctx.tenant,
            location: chrome.t("ต.\(tenant.subdistrictName) อ.\(tenant.districtName) จ.\(tenant.provinceName)",
                               "\(tenant.subdistrictName), \(tenant.districtName), \(tenant.provinceName)"),
            divisions: divisions.map { ($0.nameTH, $0.nameEN) }, villageCount: villages)
        return htmlResponse(render(model, chrome: chrome))
    }

    static func render(_ m: HomeModel, chrome: PageChrome) -> HTML {
        let body: HTML = """
        <section class="hero">
          <h1 id="tenant-title">\(m.tenant.displayName(chrome.lang))</h1>
          <p class="muted">\(chrome.t(m.tenant.kind.label)) · \(m.location)</p>
        </section>
        <section>
          <h2>\(chrome.t("บริการของเทศบาล", "Modules"))</h2>
          <ul class="cards" id="modules">\(m.tenant.modules.html { "<li class=\"card module\">\(chrome.t($0.label))</li>" })</ul>
        </section>
        <section>
          <h2>\(chrome.t("กองและหน่วยงาน", "Divisions"))</h2>
          <ul class="plain" id="divisions">\(m.divisions.html { "<li>\(chrome.t($0))</li>" })</ul>
          <p class="muted">\(chrome.t("หมู่บ้าน/ชุมชนในเขต", "Villages and communities")): \(m.villageCount)</p>
        </section>
        """
        return Layout.render(chrome, title: chrome.t("หน้าหลัก", "Home"), body)
    }

    static func apiInfo(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Info: Content {
            let slug: String; let name: LocalizedMessage; let kind: String; let modules: [String]
            let centre: [String: Double]; let colors: [String: String]; let defaultLanguage: String
        }
        guard let t = try await Tenant.find(ctx.tenant.id, on: req.db) else { throw AppError.unknownTenant }
        return try await Info(slug: t.slug, name: .init(th: t.displayNameTH, en: t.displayNameEN), kind: t.kind,
                              modules: ctx.tenant.modules.map(\.rawValue), centre: ["lat": t.centreLatitude, "lon": t.centreLongitude],
                              colors: ["primary": t.primaryColor, "accent": t.accentColor], defaultLanguage: t.defaultLanguage)
            .encodeResponse(for: req)
    }
}

/// Short confirmations after a redirect (`?notice=saved`), from a fixed list so nothing a
/// visitor puts in the URL is echoed as a message.
func notice(_ req: Request) -> LocalizedMessage? {
    let count = (try? req.query.get(Int.self, at: "n")) ?? 0
    return switch (try? req.query.get(String.self, at: "notice")) ?? "" {
    case "saved": .init(th: "บันทึกแล้ว", en: "Saved.")
    case "deleted": .init(th: "ลบแล้ว", en: "Deleted.")
    case "created": .init(th: "สร้างแล้ว", en: "Created.")
    case "revoked": .init(th: "ยกเลิกโทเคนแล้ว", en: "Token revoked.")
    case "restored": .init(th: "คืนค่าชุดข้อมูลแล้ว เปลี่ยน \(count) ระเบียน (ดูได้ในประวัติของแต่ละระเบียน)",
                           en: "Dataset restored: \(count) record(s) changed (each record's history shows how).")
    case "purged": .init(th: "ลบถาวรแล้ว บันทึกไว้ในประวัติการใช้งาน", en: "Deleted for good; the audit log records it.")
    default: nil
    }
}
