import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp

/// Walks every registered route as people of one municipality against another's data,
/// and as each role against what it may not do.
@Suite("Tenant isolation and roles, on every route")
struct TenantIsolationTests {
    static let home = "nongki", victim = "lahansai"
    static let secret = "LAHANSAI-PRIVATE-MARKER"

    /// Fields that satisfy every form, so a missing check would let the write through.
    static let formFields: [(String, String)] = [
        ("slug", "iso-test"), ("nameTH", "ทดสอบ"), ("nameEN", "Test"), ("sortOrder", "1"), ("kind", "moo"), ("number", "7"),
        ("username", "isotest"), ("displayName", "Iso Test"), ("role", "admin"), ("password", "12345678abc"),
        ("displayNameTH", "ถูกแก้"), ("displayNameEN", "Hijacked"), ("primaryColor", "#000000"), ("accentColor", "#000000"),
        ("defaultLanguage", "en"), ("name", "isotoken"), ("modules[]", "dengue"),
    ]

    struct Victim {
        let ids: [String: UUID]   // first path segment after the tenant -> one of the victim's ids of that kind
    }

    /// Gives the victim private data that must never show: a person, an audit entry, a token.
    static func prepareVictim(_ app: Application) async throws -> Victim {
        let service = PlatformService(db: app.db, passwordCost: 4)
        let tenant = try await service.tenant(slug: victim)
        let tid = try tenant.requireID()
        let user = try await service.createUser(.init(username: "secretperson", displayName: secret, password: "secret-pass-1", role: .volunteer), tenant: tenant)
        _ = try await service.createToken(for: user, name: secret)
        try await Audit.record(on: app.db, tenantID: tid, user: nil, actor: secret, action: "read", objectType: "user", summary: secret, personalData: true)
        let division = try await Division.query(on: app.db).filter(\.$tenantID == tid).first()
        let village = try await Village.query(on: app.db).filter(\.$tenantID == tid).first()
        let token = try await APIToken.query(on: app.db).filter(\.$tenantID == tid).first()
        return Victim(ids: ["divisions": try division!.requireID(), "villages": try village!.requireID(),
                            "users": try user.requireID(), "tokens": try token!.requireID()])
    }

    /// Every row of the victim, as text, to prove nothing was written.
    static func fingerprint(_ app: Application) async throws -> String {
        let tenant = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: victim)
        let tid = try tenant.requireID()
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        var parts: [Data] = [try e.encode(tenant)]
        parts.append(try e.encode(try await Division.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await Village.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await User.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await UserDivision.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await UserVillage.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await APIToken.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await TenantAsset.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    static func path(_ entry: RouteEntry, tenant: String, ids: [String: UUID]) -> String {
        let segments = entry.url.segments
        var out: [String] = []
        for (i, s) in segments.enumerated() {
            if s == ":tenant" { out.append(tenant) }
            else if s == ":id" { out.append(ids[segments[i - 1]]?.uuidString.lowercased() ?? UUID().uuidString) }
            else { out.append(s) }
        }
        return "/" + out.joined(separator: "/")
    }

    /// Signing out ends the walker's session wherever it is posted, so it goes last.
    static func walkOrder(_ routes: [RouteEntry]) -> [RouteEntry] {
        routes.filter { $0.url.segments.last != "logout" } + routes.filter { $0.url.segments.last == "logout" }
    }

    static func send(_ b: Browser, _ entry: RouteEntry, _ path: String) async throws -> Browser.Page {
        entry.method == .GET ? try await b.get(path) : try await b.post(path, formFields)
    }

    @Test("People of one municipality get 403/404 from every route of another, never its data", arguments: Engine.available)
    func crossTenant(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let victimData = try await Self.prepareVictim(app)
            let before = try await Self.fingerprint(app)
            let routes = Self.walkOrder(app.routeCatalog.entries.filter(\.isTenantScoped))
            #expect(routes.count >= 30)
            var checked = 0
            for role in [Role.admin, .staff, .executive, .volunteer] {
                let session = try await Browser.signedIn(app, Self.home, role)
                let token = try await Browser.withToken(app, Self.home, role)
                for entry in routes {
                    let client = entry.isAPI ? token : session
                    let page = try await Self.send(client, entry, Self.path(entry, tenant: Self.victim, ids: victimData.ids))
                    #expect(!page.body.contains(Self.secret), "\(role) \(entry.method) \(entry.url.path) leaked private data")
                    if entry.access != .public {
                        #expect([.forbidden, .notFound].contains(page.status), "\(role) \(entry.method) \(entry.url.path) → \(page.status)")
                    }
                    checked += 1
                }
            }
            // The operator's own session is the one that may cross tenants; everyone else changed nothing.
            #expect(try await Self.fingerprint(app) == before)
            #expect(checked == routes.count * 4)
        }
    }

    @Test("Another tenant's ids under one's own tenant find nothing (404) and change nothing", arguments: Engine.available)
    func foreignIDs(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let victimData = try await Self.prepareVictim(app)
            let before = try await Self.fingerprint(app)
            let admin = try await Browser.signedIn(app, Self.home, .admin)
            let idRoutes = app.routeCatalog.entries.filter { $0.url.segments.contains(":id") }
            #expect(idRoutes.count >= 8)
            for entry in idRoutes {
                let page = try await Self.send(admin, entry, Self.path(entry, tenant: Self.home, ids: victimData.ids))
                #expect(page.status == .notFound, "\(entry.method) \(entry.url.path) with a foreign id → \(page.status)")
                #expect(!page.body.contains(Self.secret))
            }
            // Foreign ids smuggled into a form (a staff member scoped to another tenant's division) are refused.
            let smuggled = try await admin.post("/t/\(Self.home)/users", [("username", "smuggler"), ("displayName", "S"), ("role", "staff"),
                                                                         ("password", "12345678abc"), ("divisions[]", victimData.ids["divisions"]!.uuidString)])
            #expect(smuggled.status == .unprocessableEntity)
            #expect(try await Self.fingerprint(app) == before)
        }
    }

    @Test("Each role is denied what it may not do; the public is asked to sign in", arguments: Engine.available)
    func roles(engine: Engine) async throws {
        try await TestApp.with(engine) { app in
            let own = try await Self.prepareVictim(app)   // ids inside the victim tenant, used as its own data here
            let routes = Self.walkOrder(app.routeCatalog.entries.filter(\.isTenantScoped))
            for role in [Role?.none, .staff, .executive, .volunteer, .admin] {
                let session = try await role.asyncMap { try await Browser.signedIn(app, Self.victim, $0) } ?? Browser(app)
                let token = try await role.asyncMap { try await Browser.withToken(app, Self.victim, $0) } ?? Browser(app)
                for entry in routes {
                    guard case .requires(let permission) = entry.access else { continue }
                    if let role, role.allows(permission) { continue }
                    let page = try await Self.send(entry.isAPI ? token : session, entry, Self.path(entry, tenant: Self.victim, ids: own.ids))
                    let expected: [HTTPResponseStatus] = role == nil ? [.unauthorized] : [.forbidden]
                    #expect(expected.contains(page.status), "\(role?.rawValue ?? "public") \(entry.method) \(entry.url.path) → \(page.status)")
                    #expect(!page.body.contains(Self.secret))
                }
            }
        }
    }

    @Test("The permission table denies by default")
    func permissionTable() {
        for p in Permission.allCases { #expect(Role.operator.allows(p)) }
        #expect(!Role.admin.allows(.operatePlatform))
        for p in [Permission.manageDivisions, .manageVillages, .manageUsers, .manageSettings, .viewAuditLog, .viewUsers, .operatePlatform] {
            #expect(!Role.volunteer.allows(p))
            #expect(!Role.staff.allows(p))
        }
        #expect(Role.executive.allows(.viewUsers))
        #expect(!Role.executive.allows(.manageUsers))
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await f(self)
    }
}
