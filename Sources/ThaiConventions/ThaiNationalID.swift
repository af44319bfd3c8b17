/// A Thai national ID number (เลขประจำตัวประชาชน): 13 digits, the last a check digit.
///
/// Only valid numbers can be constructed. Codable as the 13 digits (`"1234567890121"`).
public struct ThaiNationalID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 13 ASCII digits, no separators: the form to store and compare.
    public let digits: String

    /// Reads an ID as typed: dashes, spaces and Thai digits are allowed (`๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑`).
    public init(_ text: String) throws(ThaiNationalIDError) {
        var values: [Int] = []
        for c in ThaiDigits.toASCII(text) {
            if c == "-" || c.isWhitespace { continue }
            guard c.isASCIIDigit, let v = c.wholeNumberValue else { throw .invalidCharacter(c) }
            values.append(v)
        }
        guard values.count == 13 else { throw .wrongLength(found: values.count) }
        let expected = Self.checkDigit(for: values[0..<12])
        guard values[12] == expected else { throw .wrongCheckDigit(expected: expected, found: values[12]) }
        digits = values.map(String.init).joined()
    }

    /// Whether `text` is a valid ID (same rules as `init`).
    public static func isValid(_ text: String) -> Bool {
        (try? ThaiNationalID(text)) != nil
    }

    /// The check digit for the first 12 digits: (11 − Σ dᵢ × (14 − i) mod 11) mod 10, i = 1...12.
    public static func checkDigit(for first12: some Collection<Int>) -> Int {
        precondition(first12.count == 12, "a Thai national ID has 12 digits before the check digit")
        var sum = 0
        for (index, digit) in first12.enumerated() {
            sum += digit * (13 - index)   // i = index + 1, weight 14 − i
        }
        return (11 - sum % 11) % 10
    }

    /// `1-2345-67890-12-1`: the grouping printed on the ID card.
    public var formatted: String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if [1, 5, 10, 12].contains(i) { out.append("-") }
            out.append(c)
        }
        return out
    }

    public var description: String { formatted }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ThaiNationalID(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// Why a national ID was rejected; tells the person whether to recount or recheck the digits.
public enum ThaiNationalIDError: BilingualError, Equatable, CustomStringConvertible {
    /// Not 13 digits (dashes and spaces not counted).
    case wrongLength(found: Int)
    /// A character other than a digit, dash or space.
    case invalidCharacter(Character)
    /// 13 digits, but the last does not match the checksum: a digit was mistyped.
    case wrongCheckDigit(expected: Int, found: Int)

    public var message: LocalizedMessage {
        switch self {
        case .wrongLength(let found):
            return LocalizedMessage(
                th: "เลขประจำตัวประชาชนต้องมี 13 หลัก แต่พบ \(found) หลัก",
                en: "A Thai national ID has 13 digits, but \(found) were given.")
        case .invalidCharacter(let c):
            return LocalizedMessage(
                th: "เลขประจำตัวประชาชนมีอักขระที่ไม่ใช่ตัวเลข “\(c)”",
                en: "The national ID contains “\(c)”, which is not a digit.")
        case .wrongCheckDigit:
            return LocalizedMessage(
                th: "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบไม่ตรง) กรุณาตรวจสอบว่าพิมพ์ตัวเลขถูกต้อง",
                en: "The national ID is not valid (the check digit does not match). Please check for a mistyped digit.")
        }
    }

    public var description: String { message.en }
}
