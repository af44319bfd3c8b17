import Vapor
import Fluent

/// Resolves who is asking, once, at the edge: a bearer token for the API, a session cookie for
/// the browser. A bad bearer token is refused outright; a stale session just means "signed out".
struct Authenticator: AsyncMiddleware {
    static let sessionIdle: TimeInterval = 2 * 3600
    static let sessionMaxAge: TimeInterval = 12 * 3600

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            req.currentUser = try await Self.user(forToken: bearer.token, db: req.db)
        } else if let cookie = req.cookies[Cookies.session]?.string, !cookie.isEmpty {
            if let user = try await Self.user(forSession: cookie, db: req.db) {
                req.currentUser = user
            } else {
                req.storage[StaleSessionKey.self] = true
            }
        }
        let response = try await next.respond(to: req)
        if req.storage[StaleSessionKey.self] == true, response.cookies[Cookies.session] == nil {
            response.cookies[Cookies.session] = .expired
        }
        return response
    }

    static func user(forToken token: String, db: any Database) async throws -> CurrentUser {
        guard let record = try await APIToken.query(on: db)
            .filter(\.$tokenHash == Secrets.digest(token)).filter(\.$revokedAt == nil).first(),
            let user = try await loadUser(record.userID, viaToken: true, db: db)
        else { throw AppError.badToken }
        if (record.lastUsedAt.map { Date().timeIntervalSince($0) > 60 } ?? true) {
            record.lastUsedAt = Date()
            try await DatabaseBusy.unlessBusy { try await record.update(on: db) }
        }
        return user
    }

    static func user(forSession token: String, db: any Database) async throws -> CurrentUser? {
        let now = Date()
        guard let session = try await LoginSession.query(on: db).filter(\.$tokenHash == Secrets.digest(token)).first()
        else { return nil }
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < sessionIdle else {
            try await session.delete(on: db)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await DatabaseBusy.unlessBusy { try await session.update(on: db) }
        }
        return try await loadUser(session.userID, viaToken: false, db: db)
    }

    static func loadUser(_ id: UUID, viaToken: Bool, db: any Database) async throws -> CurrentUser? {
        guard let user = try await User.find(id, on: db), user.isActive, let role = Role(rawValue: user.role) else { return nil }
        let divisions = try await UserDivision.query(on: db).filter(\.$userID == id).all().map(\.divisionID)
        let villages = try await UserVillage.query(on: db).filter(\.$userID == id).all().map(\.villageID)
        return CurrentUser(id: id, tenantID: user.tenantID, username: user.username, displayName: user.displayName,
                           role: role, divisionIDs: Set(divisions), villageIDs: Set(villages), viaToken: viaToken)
    }
}

extension HTTPCookies.Value {
    static func session(_ value: String, secure: Bool, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
