import Vapor
import Fluent

/// The signed-in person, resolved once per request from the session cookie or bearer token.
public struct CurrentUser: Sendable {
    public let id: UUID
    public let tenantID: UUID?
    public let username: String
    public let displayName: String
    public let role: Role
    public let divisionIDs: Set<UUID>
    public let villageIDs: Set<UUID>
    /// Set when the request came with a bearer token rather than a browser session.
    public let viaToken: Bool

    public func allows(_ p: Permission) -> Bool { role.allows(p) }
    public func belongs(to tenantID: UUID) -> Bool { role == .operator || self.tenantID == tenantID }
}

/// A value snapshot of a tenant's public face, used by every page it renders.
public struct TenantInfo: Sendable {
    public let id: UUID
    public let slug: String
    public let nameTH: String
    public let nameEN: String
    public let displayNameTH: String
    public let displayNameEN: String
    public let kind: TenantKind
    public let primaryColor: String
    public let accentColor: String
    public let modules: [PlatformModule]
    public let defaultLanguage: Language
    public let hasLogo: Bool
    public let centre: (lat: Double, lon: Double)

    public init(_ t: Tenant, hasLogo: Bool) throws {
        id = try t.requireID()
        slug = t.slug
        nameTH = t.nameTH
        nameEN = t.nameEN
        displayNameTH = t.displayNameTH
        displayNameEN = t.displayNameEN
        kind = TenantKind(rawValue: t.kind) ?? .subdistrictMunicipality
        primaryColor = t.primaryColor
        accentColor = t.accentColor
        modules = PlatformModule.parseList(t.modules)
        defaultLanguage = Language(rawValue: t.defaultLanguage) ?? .th
        self.hasLogo = hasLogo
        centre = (t.centreLatitude, t.centreLongitude)
    }

    public func displayName(_ lang: Language) -> String { lang == .th ? displayNameTH : displayNameEN }
}

/// Per-request facts for a `/t/{slug}/...` route, resolved once at the edge by `TenantGate`.
/// Handlers read the tenant from here, never from the request body.
public struct TenantContext: Sendable {
    public let tenant: TenantInfo
    public let user: CurrentUser?
    public let scope: TenantScope

    public func require(_ permission: Permission) throws -> CurrentUser {
        guard let user else { throw AppError.signInRequired }
        guard user.belongs(to: tenant.id), user.allows(permission) else { throw AppError.forbidden }
        return user
    }
}

struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }
struct TenantContextKey: StorageKey { typealias Value = TenantContext }
struct StaleSessionKey: StorageKey { typealias Value = Bool }

extension Request {
    public var currentUser: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// Set by `TenantGate` for every tenant route; reaching it elsewhere is a programming error
    /// reported as 404 rather than a crash.
    public func tenantContext() throws -> TenantContext {
        guard let ctx = storage[TenantContextKey.self] else { throw AppError.unknownTenant }
        return ctx
    }

    /// The language a person reads: their remembered choice, else the tenant's default, else Thai.
    public var language: Language {
        if let raw = cookies[Cookies.language]?.string, let lang = Language(rawValue: raw) { return lang }
        if let ctx = storage[TenantContextKey.self] { return ctx.tenant.defaultLanguage }
        return .th
    }

    public var clientIP: String? {
        headers.first(name: "X-Forwarded-For")?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? remoteAddress?.ipAddress
    }

    public var requestID: String? { logger[metadataKey: "request-id"].map { "\($0)" } }
}

enum Cookies {
    static let session = "mueang_session"
    static let csrf = "mueang_csrf"
    static let language = "mueang_lang"
}
