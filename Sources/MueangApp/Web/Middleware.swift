import Vapor
import ThaiConventions

/// Turns every error into a 4xx (or, for a real fault, a 500) in Thai and English: JSON
/// `{"error": {"th", "en"}}` for the API, an HTML page for people.
struct BilingualErrorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let (status, message) = Self.describe(error)
            if status.code >= 500 {
                req.logger.report(error: error)
            } else {
                req.logger.info("request refused", metadata: ["status": "\(status.code)", "reason": "\(message.en)"])
            }
            let response = Self.wantsJSON(req)
                ? Self.json(status: status, message: message)
                : ErrorPage.response(req: req, status: status, message: message)
            // Busy for now (the database's lock, the connection pool): when to ask again.
            if status == .serviceUnavailable { response.headers.replaceOrAdd(name: .retryAfter, value: String(DatabaseBusy.retryAfter)) }
            if status == .unauthorized, req.storage[StaleSessionKey.self] == true {
                response.cookies[Cookies.session] = .expired
            }
            return response
        }
    }

    static func wantsJSON(_ req: Request) -> Bool {
        req.url.path.hasPrefix("/api/") || (req.headers.first(name: .accept)?.contains("application/json") ?? false)
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, LocalizedMessage) {
        if StorageFull.matches(error) { return (AppError.storageFull.status, AppError.storageFull.message) }
        if DatabaseBusy.matches(error) { return (AppError.databaseBusy.status, AppError.databaseBusy.message) }
        if WriteConflict.matches(error) { return (AppError.writeConflict.status, AppError.writeConflict.message) }
        switch error {
        case let e as AppError:
            return (e.status, e.message)
        case let e as any BilingualError:
            return (.unprocessableEntity, e.message)
        case is DecodingError:
            return (.badRequest, AppError.malformed.message)
        case is ConnectionPoolTimeoutError:
            return (.serviceUnavailable, .init(th: "ระบบไม่ว่างชั่วคราว กรุณาลองใหม่อีกครั้ง", en: "The service is busy; please try again shortly."))
        case let abort as any AbortError:
            switch abort.status {
            case .notFound: return (.notFound, AppError.notFound.message)
            case .payloadTooLarge: return (.payloadTooLarge, AppError.tooLarge.message)
            case .unsupportedMediaType:
                return (.unsupportedMediaType, .init(th: "ไม่รองรับชนิดข้อมูลที่ส่งมา", en: "Unsupported content type."))
            case .methodNotAllowed:
                return (.methodNotAllowed, .init(th: "ไม่รองรับวิธีการเรียกนี้", en: "Method not allowed."))
            case let s where s.code >= 400 && s.code < 500:
                return (s, AppError.malformed.message)
            default:
                return (.internalServerError, .init(th: "เกิดข้อผิดพลาดในระบบ ทีมงานได้รับแจ้งแล้ว", en: "Something went wrong on our side; it has been logged."))
            }
        default:
            return (.internalServerError, .init(th: "เกิดข้อผิดพลาดในระบบ ทีมงานได้รับแจ้งแล้ว", en: "Something went wrong on our side; it has been logged."))
        }
    }

    static func json(status: HTTPResponseStatus, message: LocalizedMessage) -> Response {
        struct Body: Encodable { let error: LocalizedMessage }
        let data = (try? JSONEncoder().encode(Body(error: message))) ?? Data("{}".utf8)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}

struct CSRFTokenKey: StorageKey { typealias Value = String }

/// Gives every browser a signed CSRF cookie, and the current value to the page being rendered.
struct CSRFCookieMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let secret = req.application.appConfig.secret
        var issued: String?
        if let existing = req.cookies[Cookies.csrf]?.string, CSRF.isValid(existing, secret: secret) {
            req.storage[CSRFTokenKey.self] = existing
        } else {
            let token = CSRF.issue(secret: secret)
            req.storage[CSRFTokenKey.self] = token
            issued = token
        }
        let response = try await next.respond(to: req)
        if let issued, !req.url.path.hasPrefix("/api/") {
            response.cookies[Cookies.csrf] = HTTPCookies.Value(
                string: issued, path: "/", isSecure: req.application.appConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

extension Request {
    var csrfToken: String { storage[CSRFTokenKey.self] ?? "" }
}

/// One structured log line per request, with the request id Vapor assigns.
struct AccessLogMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: req)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        var meta: Logger.Metadata = [
            "method": "\(req.method.rawValue)", "path": "\(req.url.path)",
            "status": "\(response.status.code)", "ms": "\(String(format: "%.2f", ms))",
        ]
        if let ctx = req.storage[TenantContextKey.self] { meta["tenant"] = "\(ctx.tenant.slug)" }
        if let user = req.currentUser { meta["user"] = "\(user.username)" }
        req.logger.info("request", metadata: meta)
        return response
    }
}
