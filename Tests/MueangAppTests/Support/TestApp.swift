import Foundation
import Testing
import Vapor
import VaporTesting
import Fluent
@testable import MueangApp

enum TestApp {
    static func config(_ db: AppConfig.Database) -> AppConfig {
        var c = AppConfig(environment: .testing, database: db, dataDirectory: NSTemporaryDirectory())
        c.passwordCost = 4
        return c
    }

    /// Runs `body` against a new application on its own copy of a template database.
    static func with<T>(_ engine: Engine, _ fixture: Fixture = .demo, _ body: (Application) async throws -> T) async throws -> T {
        let db = try await TemplatePool.shared.freshDatabase(engine, fixture)
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config(db))
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The demo's password for a role in a tenant.
    static func password(_ tenant: String?, _ role: Role) -> String {
        DemoSeed().logins().first { $0.tenant == tenant && $0.role == role }?.password ?? ""
    }
}

/// A browser-like client: keeps cookies, finds CSRF tokens in pages, posts forms.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var bearer: String?

    init(_ app: Application) { self.app = app }

    struct Page {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: String
        var bytes: Data = Data()
        var location: String? { headers.first(name: .location) }

        /// The value of the first hidden `_csrf` field on the page.
        var csrf: String? {
            guard let r = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
            let rest = body[r.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    @discardableResult
    func request(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]), value = String(pair[pair.index(after: eq)...])
            if value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body), bytes: Data(buffer: response.body))
    }

    func get(_ path: String) async throws -> Page { try await request(.GET, path) }

    /// Posts a form with the current CSRF token (taken from the cookie, as a page would carry it).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> Page {
        var all = fields
        all.append(("_csrf", csrf ?? cookies["mueang_csrf"] ?? ""))
        let encoded = all.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await request(.POST, path, headers: headers, body: ByteBuffer(string: encoded))
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    /// Signs in through the real form: fetch the page (which sets the CSRF cookie), then post.
    @discardableResult
    func login(_ tenant: String?, _ username: String, _ password: String) async throws -> Page {
        let path = tenant.map { "/t/\($0)/login" } ?? "/login"
        _ = try await get(path)
        return try await post(path, [("username", username), ("password", password)])
    }

    static func signedIn(_ app: Application, _ tenant: String, _ role: Role) async throws -> Browser {
        let b = Browser(app)
        let page = try await b.login(tenant, role.rawValue, TestApp.password(tenant, role))
        #expect(page.status == .seeOther, "login as \(role) of \(tenant) failed: \(page.status)")
        return b
    }

    static func withToken(_ app: Application, _ tenant: String, _ role: Role) async throws -> Browser {
        let t = try await PlatformService(db: app.db, passwordCost: 4).tenant(slug: tenant)
        guard let user = try await User.query(on: app.db).filter(\.$tenantID == t.requireID()).filter(\.$username == role.rawValue).first() else {
            throw TestSetupError("no demo user \(role) in \(tenant)")
        }
        let b = Browser(app)
        b.bearer = try await PlatformService(db: app.db, passwordCost: 4).createToken(for: user, name: "test")
        return b
    }
}
