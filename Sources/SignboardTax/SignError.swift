// Why a sign record could not be assessed, in Thai first and English second (PRODUCT.md
// section 4). One bad record never stops the others: callers report it in the record's place.

/// A reason a sign record cannot be assessed.
public enum SignError: Error, Sendable, Hashable {
    case notAnObject
    case missingField(String)
    case wrongKind(field: String, expected: String)
    case unknownType(String)
    case unknownExemption(String)
    case nonPositiveSize(String)
    case tooManyDecimals(String)
    case sizeTooLarge
    case sizeMismatch
    case badFaces
    case badDate(field: String, value: String)
    case installedAfterTaxYear(CivilDate)
    case insideBuildingTooLarge
    case smallSignTooLarge
    case negativeDeclaredTax
    case amountOutOfRange

    /// Thai message.
    public var th: String {
        switch self {
        case .notAnObject: return "รายการต้องเป็นออบเจกต์ JSON"
        case let .missingField(field): return "ไม่มีข้อมูล \(field)"
        case let .wrongKind(field, expected): return "\(field) ต้องเป็น\(Self.thaiKind(expected))"
        case let .unknownType(value): return "ประเภทป้าย \"\(value)\" ไม่ถูกต้อง (ต้องเป็น 1, 2 หรือ 3)"
        case let .unknownExemption(value): return "รหัสเหตุยกเว้นภาษี \"\(value)\" ไม่รู้จัก"
        case let .nonPositiveSize(field): return "\(field) ต้องมากกว่าศูนย์"
        case let .tooManyDecimals(field): return "\(field) มีทศนิยมมากเกินไป"
        case .sizeTooLarge: return "ขนาดป้ายใหญ่เกินกว่าที่เป็นไปได้"
        case .sizeMismatch: return "area_cm2 ไม่เท่ากับ width_cm x height_cm"
        case .badFaces: return "faces ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป"
        case let .badDate(field, value): return "\(field) \"\(value)\" ไม่ใช่วันที่ในรูปแบบ YYYY-MM-DD"
        case let .installedAfterTaxYear(date): return "ป้ายติดตั้งวันที่ \(date) หลังปีภาษีที่ประเมิน"
        case .insideBuildingTooLarge: return "ป้ายภายในอาคารได้รับยกเว้นเฉพาะด้านละไม่เกิน 3 ตารางเมตร"
        case .smallSignTooLarge: return "ป้ายขนาดเล็กที่ได้รับยกเว้นต้องมีพื้นที่ด้านละไม่เกิน 500 ตารางเซนติเมตร"
        case .negativeDeclaredTax: return "declared_tax ติดลบไม่ได้"
        case .amountOutOfRange: return "จำนวนเงินเกินขอบเขตที่คำนวณได้"
        }
    }

    /// English message.
    public var en: String {
        switch self {
        case .notAnObject: return "each element must be a JSON object"
        case let .missingField(field): return "\(field) is missing"
        case let .wrongKind(field, expected): return "\(field) must be \(expected)"
        case let .unknownType(value): return "unknown sign type \"\(value)\" (must be 1, 2 or 3)"
        case let .unknownExemption(value): return "unknown exemption code \"\(value)\""
        case let .nonPositiveSize(field): return "\(field) must be greater than zero"
        case let .tooManyDecimals(field): return "\(field) has too many decimals"
        case .sizeTooLarge: return "the sign is implausibly large"
        case .sizeMismatch: return "area_cm2 differs from width_cm x height_cm"
        case .badFaces: return "faces must be a whole number of at least 1"
        case let .badDate(field, value): return "\(field) \"\(value)\" is not a YYYY-MM-DD date"
        case let .installedAfterTaxYear(date): return "the sign was installed on \(date), after the tax year"
        case .insideBuildingTooLarge: return "a sign inside a building is exempt only up to 3 m² per face"
        case .smallSignTooLarge: return "the small-sign exemption covers only faces of 500 cm² or less"
        case .negativeDeclaredTax: return "declared_tax cannot be negative"
        case .amountOutOfRange: return "an amount is too large to compute"
        }
    }

    private static func thaiKind(_ expected: String) -> String {
        switch expected {
        case "a number": return "ตัวเลข"
        case "a string": return "ข้อความ"
        case "true or false": return "true หรือ false"
        case "an object": return "ออบเจกต์"
        default: return expected
        }
    }
}
