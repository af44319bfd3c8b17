import Foundation

/// Thai digits ๐-๙ (U+0E50–U+0E59) and numbers typed or imported with them.
public enum ThaiDigits {
    static let thaiZero: UInt32 = 0x0E50
    static let asciiZero: UInt32 = 0x30

    /// Whether `c` is one of ๐-๙.
    public static func isThaiDigit(_ c: Character) -> Bool {
        guard c.unicodeScalars.count == 1, let s = c.unicodeScalars.first else { return false }
        return (0x0E50...0x0E59).contains(s.value)
    }

    /// Replaces every Thai digit by its ASCII digit; everything else is kept.
    public static func toASCII(_ text: String) -> String {
        mapScalars(text, from: thaiZero, to: asciiZero)
    }

    /// Replaces every ASCII digit by its Thai digit; everything else is kept.
    public static func toThai(_ text: String) -> String {
        mapScalars(text, from: asciiZero, to: thaiZero)
    }

    /// Parses an integer such as `" ๑,๒๓๔ "`, `"-1,234"` or `"+42"`.
    ///
    /// Surrounding whitespace is ignored; commas must separate groups of three digits, because
    /// a misplaced comma (`1,5`) is more likely a mistyped decimal than a thousands separator.
    public static func parseInteger(_ text: String) -> Int? {
        guard let n = normalizedNumber(text), !n.contains(".") else { return nil }
        return Int(n)
    }

    /// Parses a decimal such as `"๑,๒๓๔.๕๐"`, `"-0.5"` or `".5"`, exactly (no binary rounding).
    public static func parseDecimal(_ text: String) -> Decimal? {
        guard let n = plainNumber(text) ?? normalizedNumber(text) else { return nil }
        return Decimal(string: n, locale: posix)
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// The text `parseDecimal(text)?.description` gives, worked out from the digits alone when
    /// `text` is `-?digits[.digits]` in ASCII with at most 30 digits: leading zeros and the
    /// fraction's trailing zeros dropped, no sign on zero. Nil for any other text.
    public static func decimalDescription(ofPlain text: String) -> String? {
        var text = text, out: [UInt8] = []
        let plain = text.withUTF8 { decimalDescription(ofPlain: $0, into: &out) }
        return plain ? String(decoding: out, as: UTF8.self) : nil
    }

    /// `decimalDescription(ofPlain:)` on a text's UTF-8 bytes, appended to `out`: false (and
    /// nothing appended) for a text that is not plain. (A large import reads numbers as bytes.)
    public static func decimalDescription(ofPlain text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        guard text.count <= 31, let dotAt = plainDot(text) else { return false }
        let dot = dotAt < text.count ? dotAt : nil
        let negative = text[0] == UInt8(ascii: "-")
        // Leading zeros of the whole part, trailing zeros of the fraction.
        var lo = negative ? 1 : 0
        while lo < dotAt, text[lo] == UInt8(ascii: "0") { lo += 1 }
        var hi = text.count
        if dot != nil { while hi > dotAt + 1, text[hi - 1] == UInt8(ascii: "0") { hi -= 1 } }
        let hasFraction = dot != nil && hi > dotAt + 1
        if lo == dotAt && !hasFraction { out.append(UInt8(ascii: "0")); return true }
        if negative { out.append(UInt8(ascii: "-")) }
        if lo == dotAt { out.append(UInt8(ascii: "0")) } else { out.append(contentsOf: UnsafeBufferPointer(rebasing: text[lo..<dotAt])) }
        if hasFraction { out.append(contentsOf: UnsafeBufferPointer(rebasing: text[dotAt..<hi])) }
        return true
    }

    /// `text` itself when it already is `-?digits[.digits]` in ASCII (most numbers in files):
    /// what `normalizedNumber` would return, without its work.
    static func plainNumber(_ text: String) -> String? {
        plainDot(text.utf8) != nil ? text : nil
    }

    /// Where the dot of a `-?digits[.digits]` ASCII text is (its length when it has none); nil
    /// for any other text.
    static func plainDot<C: Collection<UInt8>>(_ text: C) -> Int? {
        var whole = 0, fraction = 0, dot: Int?, index = 0
        for b in text {
            defer { index += 1 }
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): if dot == nil { whole += 1 } else { fraction += 1 }
            case UInt8(ascii: "-") where index == 0: continue
            case UInt8(ascii: ".") where dot == nil: dot = index
            default: return nil
            }
        }
        return whole > 0 && (dot == nil || fraction > 0) ? dot ?? index : nil
    }

    // MARK: - Private

    private static func mapScalars(_ text: String, from: UInt32, to: UInt32) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value >= from, s.value <= from + 9, let m = Unicode.Scalar(s.value - from + to) {
                out.append(m)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Validates the shape `[+-]digits[,ddd]*[.digits]` and returns it with ASCII digits and no
    /// commas, or nil. Validating first matters: `Decimal(string:)` accepts junk after a prefix.
    private static func normalizedNumber(_ text: String) -> String? {
        let trimmed = toASCII(text).trimmingCharacters(in: .whitespacesAndNewlines)
        var chars = Substring(trimmed)
        var sign = ""
        if let first = chars.first, first == "+" || first == "-" {
            if first == "-" { sign = "-" }
            chars = chars.dropFirst()
        }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = parts[0]
        let fractionPart = parts.count == 2 ? parts[1] : nil

        let groups = integerPart.split(separator: ",", omittingEmptySubsequences: false)
        for (i, g) in groups.enumerated() {
            guard g.allSatisfy(\.isASCIIDigit) else { return nil }
            if groups.count > 1 {
                // First group 1-3 digits, later groups exactly 3.
                if i == 0 ? !(1...3).contains(g.count) : g.count != 3 { return nil }
            }
        }
        let integerDigits = groups.joined()
        if let f = fractionPart {
            guard !f.isEmpty, f.allSatisfy(\.isASCIIDigit) else { return nil }
            return sign + (integerDigits.isEmpty ? "0" : integerDigits) + "." + f
        }
        guard !integerDigits.isEmpty else { return nil }
        return sign + integerDigits
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
