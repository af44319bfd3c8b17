import Vapor
import NIOConcurrencyHelpers

/// Who may reach a route. There is no default: every route states it, and only `.public` routes
/// answer without a signed-in user of the tenant holding the named permission.
public enum Access: Sendable, Equatable {
    case `public`
    case requires(Permission)
}

/// One registered route, kept so tests can walk every route the site has.
public struct RouteEntry: Sendable {
    public let method: HTTPMethod
    public let url: SiteURL
    public let access: Access
    public var isAPI: Bool { if case .api = url { true } else { false } }
    public var isTenantScoped: Bool { url.segments.contains(":tenant") }
}

public final class RouteCatalog: Sendable {
    private let storage = NIOLockedValueBox<[RouteEntry]>([])
    public var entries: [RouteEntry] { storage.withLockedValue { $0 } }
    func add(_ e: RouteEntry) { storage.withLockedValue { $0.append(e) } }
}

struct RouteCatalogKey: StorageKey { typealias Value = RouteCatalog }

extension Application {
    public var routeCatalog: RouteCatalog {
        if let c = storage[RouteCatalogKey.self] { return c }
        let c = RouteCatalog()
        storage[RouteCatalogKey.self] = c
        return c
    }
}

typealias TenantHandler = @Sendable (Request, TenantContext) async throws -> Response

/// Registers routes. Access checks, CSRF checks and tenant resolution happen here and in
/// `TenantGate`, so handlers only do their own work.
struct Site {
    let app: Application

    private var tenantRoutes: any RoutesBuilder { app.grouped(TenantGate()) }

    /// An HTML page or form target under `/t/{slug}/`.
    func page(_ method: HTTPMethod, _ page: SiteURL.TenantPage, _ access: Access,
              maxBody: ByteCount? = nil, _ handler: @escaping TenantHandler) {
        let url = SiteURL.tenantPattern(page)
        record(method, url, access)
        tenantRoutes.on(method, url.pathComponents, body: maxBody.map { .collect(maxSize: $0) } ?? .collect) { req async throws -> Response in
            let ctx = try req.tenantContext()
            if case .requires(let permission) = access { _ = try ctx.require(permission) }
            if method != .GET && method != .HEAD { try await verifyCSRF(req) }
            return try await handler(req, ctx)
        }
    }

    /// A JSON endpoint under `/api/v1/t/{slug}/`. Bearer tokens only: no cookies, hence no CSRF.
    func api(_ method: HTTPMethod, _ resource: SiteURL.APIRoute.TenantResource, _ access: Access,
             body: HTTPBodyStreamStrategy = .collect, _ handler: @escaping TenantHandler) {
        let url = SiteURL.apiPattern(resource)
        record(method, url, access)
        tenantRoutes.on(method, url.pathComponents, body: body) { req async throws -> Response in
            let ctx = try req.tenantContext()
            if case .requires(let permission) = access {
                guard ctx.user?.viaToken == true else { throw AppError.signInRequired }
                _ = try ctx.require(permission)
            }
            return try await handler(req, ctx)
        }
    }

    /// A route outside any tenant.
    func global(_ method: HTTPMethod, _ url: SiteURL, _ access: Access,
                _ handler: @escaping @Sendable (Request) async throws -> Response) {
        record(method, url, access)
        app.on(method, url.pathComponents) { req async throws -> Response in
            if case .requires(let permission) = access {
                guard let user = req.currentUser else { throw AppError.signInRequired }
                guard user.allows(permission) else { throw AppError.forbidden }
            }
            if method != .GET && method != .HEAD, !url.isAPI { try await verifyCSRF(req) }
            return try await handler(req)
        }
    }

    private func record(_ method: HTTPMethod, _ url: SiteURL, _ access: Access) {
        app.routeCatalog.add(RouteEntry(method: method, url: url, access: access))
    }
}

/// Form posts must echo the CSRF cookie in `_csrf` (scripts may send it as `X-CSRF-Token`); see `CSRF`.
func verifyCSRF(_ req: Request) async throws {
    guard let cookie = req.cookies[Cookies.csrf]?.string,
          let sent = req.headers.first(name: "X-CSRF-Token") ?? (try? req.content.get(String.self, at: CSRF.field)),
          Secrets.equal(cookie, sent), CSRF.isValid(cookie, secret: req.application.appConfig.secret)
    else { throw AppError.badCSRF }
}

/// Resolves `/t/{slug}` to the tenant once and builds the request's `TenantContext`.
/// An unknown slug is a 404 before any handler runs.
struct TenantGate: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let slug = req.parameters.get("tenant"),
              let tenant = try await req.application.tenantCache.tenant(slug: slug, db: req.db)
        else { throw AppError.unknownTenant }
        req.storage[TenantContextKey.self] = TenantContext(
            tenant: tenant, user: req.currentUser, scope: TenantScope(tenantID: tenant.id, db: req.db))
        return try await next.respond(to: req)
    }
}
