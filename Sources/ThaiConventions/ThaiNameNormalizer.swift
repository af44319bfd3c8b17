/// Match keys for people's names, so `นางสาว สมหญิง  ใจดี` in one spreadsheet finds
/// `น.ส.สมหญิง ใจดี` in another. The key is for comparing, not for display.
public enum ThaiNameNormalizer {
    /// Titles stripped from the start of a name. Longer first, so `นางสาว` wins over `นาง`.
    /// Thai titles are often written without a following space (`นายสมชาย`), so they are
    /// stripped either way; English ones need a dot or a space (`Mr Smith`, not `Mrinal`).
    public static let honorifics: [String] = [
        "เด็กหญิง", "เด็กชาย", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.", "นาง", "นาย",
        "Mrs.", "Mrs", "Miss", "Mr.", "Mr", "Ms.", "Ms",
    ]

    /// The match key of a name: Thai digits to ASCII, zero-width spaces removed, whitespace
    /// collapsed to single spaces and trimmed, ASCII letters lower-cased, `ํา` (nikhahit + sara aa,
    /// a common typing variant) made `ำ`, and leading titles removed. Titles are removed
    /// repeatedly, so a doubled title from merged columns (`นาย นายสมชาย`) goes too.
    public static func normalize(_ name: String) -> String {
        var text = collapseWhitespace(cleanScalars(name))
        while let rest = strippingHonorific(text) {
            text = rest
        }
        return String(text.map { $0.isASCII ? Character($0.lowercased()) : $0 })
    }

    /// Scalar-level fixes; they must not be done per Character, because nikhahit belongs to
    /// the preceding consonant's grapheme cluster while sara aa starts a new one.
    private static func cleanScalars(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingNikhahit = false
        for s in ThaiDigits.toASCII(name).unicodeScalars {
            if pendingNikhahit {
                pendingNikhahit = false
                if s.value == 0x0E32 { out.append("\u{0E33}"); continue }
                out.append("\u{0E4D}")
            }
            switch s.value {
            case 0x200B, 0xFEFF: continue          // zero-width space, stray BOM
            case 0x0E4D: pendingNikhahit = true
            default: out.append(s)
            }
        }
        if pendingNikhahit { out.append("\u{0E4D}") }
        return String(out)
    }

    private static func strippingHonorific(_ text: String) -> String? {
        for title in honorifics {
            let isEnglish = title.first?.isASCII ?? false
            // Character-wise prefix: `นาย` does not match the start of `นายิกา`, whose `ยิ` is one
            // cluster, so names that merely begin with a title's letters keep them.
            guard isEnglish ? text.lowercased().hasPrefix(title.lowercased()) : text.hasPrefix(title) else {
                continue
            }
            let rest = text.dropFirst(title.count)
            if isEnglish, !title.hasSuffix("."), !(rest.first?.isWhitespace ?? false) { continue }
            return collapseWhitespace(String(rest))
        }
        return nil
    }

    private static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
