import Vapor
import Fluent
import NIOConcurrencyHelpers

/// Tenants change rarely and are read on every request; keep them for a few seconds.
/// Settings changes invalidate their entry, so a new colour shows on the next page load.
public final class TenantCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (TenantInfo, Date)]>([:])
    let ttl: TimeInterval = 5

    func tenant(slug: String, db: any Database) async throws -> TenantInfo? {
        if let (info, at) = entries.withLockedValue({ $0[slug] }), Date().timeIntervalSince(at) < ttl { return info }
        guard slug.count <= 64, let t = try await Tenant.query(on: db).filter(\.$slug == slug).first() else { return nil }
        let hasLogo = try await TenantAsset.query(on: db).filter(\.$tenantID == t.requireID()).filter(\.$kind == "logo").count() > 0
        let info = try TenantInfo(t, hasLogo: hasLogo)
        entries.withLockedValue { $0[slug] = (info, Date()) }
        return info
    }

    public func invalidate(_ slug: String) { entries.withLockedValue { $0[slug] = nil } }
}

struct TenantCacheKey: StorageKey { typealias Value = TenantCache }
struct AppConfigKey: StorageKey { typealias Value = AppConfig }

extension Application {
    public var tenantCache: TenantCache {
        if let c = storage[TenantCacheKey.self] { return c }
        let c = TenantCache()
        storage[TenantCacheKey.self] = c
        return c
    }

    public var appConfig: AppConfig {
        get { storage[AppConfigKey.self] ?? AppConfig(environment: .testing, database: .sqlite(path: ":memory:"), dataDirectory: "./var") }
        set { storage[AppConfigKey.self] = newValue }
    }
}
