import Foundation
import ThaiConventions

/// Normalisation of text for Thai-aware matching (`?q=` search, choices, column headers).
///
/// Thai has no letter case and its vowels and tone marks are combining characters, so only
/// what varies between typists is folded: Thai digits, Latin case, width, spacing, invisible
/// characters and the `ํา`/`ำ` typing variant. Thai marks are never stripped (that would make
/// different words equal).
public enum SearchText {
    /// The match form of `text`: canonical composition; Thai digits → ASCII; zero-width spaces,
    /// joiners and BOMs removed; `ํ` + `า` → `ำ`; case-folded (`A` → `a`, full-width → ASCII);
    /// runs of whitespace → one space; trimmed.
    public static func normalize(_ text: String) -> String {
        plainNormalized(text) ?? foldedNormalized(text)
    }

    /// `normalize` for the common text that only needs ASCII lower-casing: printable ASCII and
    /// Thai letters, single spaces inside, no Thai digits, no ํ, and no tone mark directly
    /// before a mark that canonical ordering would move ahead of it. Nil for anything else.
    static func plainNormalized(_ text: String) -> String? {
        var out = [UInt8](), upper = false, previous: UInt32 = 0x20, any = false
        for s in text.unicodeScalars {
            let v = s.value
            guard staysPlain(v, after: previous) else { return nil }
            if (0x41...0x5A).contains(v) { upper = true }
            previous = v
            any = true
        }
        guard any, previous != 0x20 else { return any ? nil : "" }
        guard upper else { return text }
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 { out.append((0x41...0x5A).contains(b) ? b + 0x20 : b) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether scalar `v`, after `previous` (a space at the start), keeps a text on the plain
    /// path of `plainNormalized`: printable ASCII, a single space, or a Thai letter, mark or sign
    /// other than a digit or ํ that canonical ordering leaves where it is and that does not
    /// follow a space. (The import reads cells as bytes with the same rule.)
    public static func staysPlain(_ v: UInt32, after previous: UInt32) -> Bool {
        switch v {
        case 0x20: return previous != 0x20
        case 0x21...0x7E: return true
        case 0x0E01...0x0E3A, 0x0E3F...0x0E4C, 0x0E4E, 0x0E4F, 0x0E5A, 0x0E5B:
            // Marks out of canonical order (a tone mark before ุ, say) are reordered by NFC.
            if combiningClass(previous) > combiningClass(v), combiningClass(v) > 0 { return false }
            // A mark after a space clusters with it, and the pair is dropped as whitespace.
            return !(previous == 0x20 && (v == 0x0E31 || v == 0x0E33 || (0x0E34...0x0E3A).contains(v) || (0x0E47...0x0E4E).contains(v)))
        default:
            return false
        }
    }

    /// Canonical combining classes of the Thai marks that have one.
    static func combiningClass(_ v: UInt32) -> Int {
        switch v {
        case 0x0E38, 0x0E39: 103
        case 0x0E3A: 9
        case 0x0E48...0x0E4B: 107
        default: 0
        }
    }

    static func foldedNormalized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingNikhahit = false
        for s in ThaiDigits.toASCII(text).unicodeScalars {
            if pendingNikhahit {
                pendingNikhahit = false
                if s.value == 0x0E32 { scalars.append("\u{0E33}"); continue }
                scalars.append("\u{0E4D}")
            }
            switch s.value {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD: continue
            case 0x0E4D: pendingNikhahit = true
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(s.value - 0xFEE0)!)   // full-width ASCII
            case 0x3000: scalars.append(" ")                                          // ideographic space
            default: scalars.append(s)
            }
        }
        if pendingNikhahit { scalars.append("\u{0E4D}") }
        return String(scalars).precomposedStringWithCanonicalMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
    }

    /// `normalize` without any spaces: for comparing short codes, choices and headers, where
    /// `บ้าน เลขที่` and `บ้านเลขที่` are the same.
    public static func compactKey(_ text: String) -> String {
        normalize(text).filter { !$0.isWhitespace }
    }

    /// Whether every space-separated word of `query` occurs in `text` (both normalised).
    /// An empty query matches everything.
    public static func matches(query: String, in text: String) -> Bool {
        let haystack = normalize(text)
        return normalize(query).split(separator: " ").allSatisfy { haystack.contains($0) }
    }
}
