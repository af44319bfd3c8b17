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
