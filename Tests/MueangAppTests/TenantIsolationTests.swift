import Foundation
import Testing
import Vapor
import Fluent
@testable import MueangApp
import Datasets

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
        let ids: [String: UUID]   // the path segment before `:id` -> one of the victim's ids of that kind
        var dataset = "registry"
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
        // A private register with a live record, a record in the trash and a finished job.
        let scope = TenantScope(tenantID: tid, db: app.db)
        let registers = DatasetService(scope: scope, actor: "victim")
        let dataset = try await registers.create(.init(slug: "registry", title: .init(th: "ทะเบียน", en: "Registry"), divisionSlug: "health",
                                                     fields: [FieldDefinition(key: "name", type: .text)]))
        let record = try await registers.createRecord(dataset, .json(["name": .string(secret)]))
        let trashed = try await registers.createRecord(dataset, .json(["name": .string(secret + "-trash")]))
        try await registers.trash(dataset, trashed)
        let job = DatasetJob()
        job.datasetID = try dataset.requireID(); job.kind = "import"; job.status = "done"; job.progress = 1
        job.resultJSON = #"{"imported":1,"updated":0,"rejected":[{"row":2,"column":"name","reason":{"th":"\#(secret)","en":"x"}}]}"#
        job.actor = "victim"; job.createdAt = Date()
        try await scope.create(job)
        return Victim(ids: ["divisions": try division!.requireID(), "villages": try village!.requireID(),
                            "users": try user.requireID(), "tokens": try token!.requireID(),
                            "records": try record.requireID(), "trash": try trashed.requireID(), "jobs": try job.requireID()])
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
        // A token's last use is bookkeeping rewritten once a minute of use, not the tenant's
        // data: a battery that ran past a minute under load used to differ by it alone.
        let tokens = try await APIToken.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()
        for t in tokens { t.lastUsedAt = nil }
        parts.append(try e.encode(tokens))
        parts.append(try e.encode(try await TenantAsset.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await Dataset.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await DatasetRecord.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await RecordVersion.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        parts.append(try e.encode(try await RecordKey.query(on: app.db).filter(\.$tenantID == tid).sort(\.$id).all()))
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    static func path(_ entry: RouteEntry, tenant: String, ids: [String: UUID], dataset: String = "registry") -> String {
        let segments = entry.url.segments
        var out: [String] = []
        for (i, s) in segments.enumerated() {
            if s == ":tenant" { out.append(tenant) }
            else if s == ":dataset" { out.append(dataset) }
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
        switch entry.method {
        case .GET: return try await b.get(path)
        case .POST where !entry.isAPI: return try await b.post(path, formFields)
        default:
            // API writes get a body that would be valid, so only the checks can stop them.
            var headers = HTTPHeaders()
            headers.contentType = path.hasSuffix("/import") ? HTTPMediaType(type: "text", subType: "csv") : .json
            let body = path.hasSuffix("/import") ? "name\nhijacked\n"
                : path.hasSuffix("/datasets") ? #"{"slug": "hijack", "title": {"th": "x", "en": "x"}, "fields": [{"key": "name", "type": "text"}]}"#
                : #"{"name": "hijacked"}"#
            let query = path.hasSuffix("/restore") && path.contains("/records/") ? "?version=1" : path.hasSuffix("/restore") && !path.contains("/trash/") ? "?at=2000-01-01T00:00:00Z" : ""
            return try await b.request(entry.method, path + query, headers: headers, body: ByteBuffer(string: body))
        }
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
            let api = try await Browser.withToken(app, Self.home, .admin)
            // The home tenant has a register of the same name, so only the foreign id can fail.
            let home = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: Self.home)
            _ = try await DatasetService(scope: TenantScope(tenantID: home.requireID(), db: app.db), actor: "home")
                .create(.init(slug: "registry", title: .init(th: "ทะเบียน", en: "Registry"), fields: [FieldDefinition(key: "name", type: .text)]))
            let before2 = try await Self.fingerprint(app)
            let idRoutes = app.routeCatalog.entries.filter { $0.url.segments.contains(":id") }
            #expect(idRoutes.count >= 15)
            for entry in idRoutes {
                let page = try await Self.send(entry.isAPI ? api : admin, entry, Self.path(entry, tenant: Self.home, ids: victimData.ids))
                #expect(page.status == .notFound, "\(entry.method) \(entry.url.path) with a foreign id → \(page.status)")
                #expect(!page.body.contains(Self.secret))
            }
            // Foreign ids smuggled into a form (a staff member scoped to another tenant's division) are refused.
            let smuggled = try await admin.post("/t/\(Self.home)/users", [("username", "smuggler"), ("displayName", "S"), ("role", "staff"),
                                                                         ("password", "12345678abc"), ("divisions[]", victimData.ids["divisions"]!.uuidString)])
            #expect(smuggled.status == .unprocessableEntity)
            #expect(try await Self.fingerprint(app) == before)
            #expect(before == before2)
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

