import Vapor
import ThaiConventions

public typealias Language = LocalizedMessage.Language

/// An error with an HTTP status and a message in Thai and English. Everything a person can get
/// wrong ends up as one of these, never as a 500.
public struct AppError: AbortError, BilingualError {
    public let status: HTTPResponseStatus
    public let message: LocalizedMessage
    public var reason: String { message.en }

    public init(_ status: HTTPResponseStatus, th: String, en: String) {
        self.status = status
        self.message = LocalizedMessage(th: th, en: en)
    }

    public static let notFound = AppError(.notFound, th: "ไม่พบหน้าหรือข้อมูลที่ต้องการ", en: "The page or item was not found.")
    public static let unknownTenant = AppError(.notFound, th: "ไม่พบเทศบาลนี้ในระบบ", en: "No municipality with this address.")
    public static let forbidden = AppError(.forbidden, th: "คุณไม่มีสิทธิ์เข้าถึงส่วนนี้", en: "You are not allowed to do this.")
    public static let signInRequired = AppError(.unauthorized, th: "กรุณาเข้าสู่ระบบก่อน", en: "Please sign in first.")
    public static let sessionExpired = AppError(.unauthorized, th: "การเข้าสู่ระบบหมดอายุแล้ว กรุณาเข้าสู่ระบบใหม่", en: "Your session has expired. Please sign in again.")
    public static let badCSRF = AppError(.forbidden, th: "แบบฟอร์มหมดอายุหรือไม่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง", en: "The form has expired or is invalid. Reload the page and try again.")
    public static let malformed = AppError(.badRequest, th: "ข้อมูลที่ส่งมาไม่ถูกต้องตามรูปแบบ", en: "The submitted data is malformed.")
    public static let tooLarge = AppError(.payloadTooLarge, th: "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป", en: "The request body is too large.")
    public static let badToken = AppError(.unauthorized, th: "โทเคน API ไม่ถูกต้องหรือถูกยกเลิกแล้ว", en: "The API token is invalid or has been revoked.")

    public static func invalid(th: String, en: String) -> AppError { AppError(.unprocessableEntity, th: th, en: en) }
}

/// Every JSON list the API answers: `{"items": [...], "total": N}`.
struct ListBody<Item: Content>: Content {
    let items: [Item]
    let total: Int
}
