// Reading dates as people in Thailand type them. The rules (PRODUCT.md §4):
// - a four-digit year above 2400 is Buddhist Era, otherwise Common Era;
//   an explicit era (พ.ศ., ค.ศ., BE, AD, CE) overrides the rule;
// - day/month/year order for numeric dates, never month/day;
// - a bare number is an Excel serial date.

import Foundation

extension CalendarDay {
    /// A four-digit year above this is Buddhist Era (2400 BE = 1857 CE; 2401 CE is far away).
    public static let buddhistEraThreshold = 2400

    /// Strict ISO 8601 calendar date `YYYY-MM-DD` (CE), as stored in the database and API.
    public init(iso8601 text: String) throws(ThaiDateError) {
        guard let (y, m, d) = Self.plainISO(text) else { throw .unrecognizedFormat(text) }
        try self.init(year: y, month: m, day: d)
    }

    /// Reads a date the way people type it:
    /// `15/03/2566`, `15/3/2566`, `15-03-2566`, `15.03.2566`, `15/03/2023`,
    /// `15 มี.ค. 2566`, `15 มีนาคม พ.ศ. 2566`, `15 Mar 2023`, `2023-03-15`, `2566-03-15`,
    /// Excel serials (`45000`, `45000.5`), with Thai or ASCII digits.
    public static func parse(_ text: String) throws(ThaiDateError) -> CalendarDay {
        // Every stored date has this form: read without tokenising (to what the rules below give).
        if let (y, m, d) = plainISO(text) { return try ofFourDigitYear(y, month: m, day: d) }
        let cleaned = ThaiDigits.toASCII(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !cleaned.isEmpty else { throw .empty }

        // A bare number is an Excel serial (a cell exported as its number).
        if cleaned.allSatisfy({ $0.isASCIIDigit || $0 == "." }), cleaned.first != ".",
           cleaned.filter({ $0 == "." }).count <= 1, let serial = Double(cleaned) {
            return try CalendarDay(excelSerial: serial)
        }

        let tokens = DateToken.split(cleaned)
        let numbers = tokens.compactMap(\.number)
        let words = tokens.compactMap(\.word)
        let shape = tokens.map { $0.number != nil ? "n" : "w" }.joined()

        switch shape {
        // d/m/y with one kind of separator throughout, or y-m-d when the first number is a year.
        case "nwnwn" where words[0] == words[1] && ["/", "-", "."].contains(words[0]):
            let (a, b, c) = (numbers[0], numbers[1], numbers[2])
            if a.count == 4 {
                return try make(yearText: a, era: nil, month: b, day: c, original: text)
            }
            guard a.count <= 2 else { throw .unrecognizedFormat(text) }
            return try make(yearText: c, era: nil, month: b, day: a, original: text)

        // d <month name> y
        case "nwn":
            return try make(yearText: numbers[1], era: nil, monthName: words[0], day: numbers[0], original: text)

        // d <month name> <era> y, or d <month name> y <era>
        case "nwwn", "nwnw":
            guard let era = Era(words[1]) else { throw .unrecognizedFormat(text) }
            return try make(yearText: numbers[1], era: era, monthName: words[0], day: numbers[0], original: text)

        default:
            throw .unrecognizedFormat(text)
        }
    }

    private static func make(
        yearText: String, era: Era?, monthName: String, day: String, original: String
    ) throws(ThaiDateError) -> CalendarDay {
        guard let month = ThaiMonthNames.month(named: monthName) else {
            throw .unrecognizedFormat(original)
        }
        return try make(yearText: yearText, era: era, month: String(month), day: day, original: original)
    }

    private static func make(
        yearText: String, era: Era?, month: String, day: String, original: String
    ) throws(ThaiDateError) -> CalendarDay {
        guard (1...2).contains(month.count), (1...2).contains(day.count),
              let m = Int(month), let d = Int(day), let y = Int(yearText)
        else { throw .unrecognizedFormat(original) }
        switch era {
        case .buddhist?:
            return try CalendarDay(buddhistYear: y, month: m, day: d)
        case .common?:
            return try CalendarDay(year: y, month: m, day: d)
        case nil:
            guard yearText.count == 4 else { throw .ambiguousYear(original) }
            return try ofFourDigitYear(y, month: m, day: d)
        }
    }

    /// A four-digit year with no era written: Buddhist Era above the threshold.
    private static func ofFourDigitYear(_ y: Int, month m: Int, day d: Int) throws(ThaiDateError) -> CalendarDay {
        y > buddhistEraThreshold ? try CalendarDay(buddhistYear: y, month: m, day: d) : try CalendarDay(year: y, month: m, day: d)
    }

    /// Year, month and day of exactly `DDDD-DD-DD` in ASCII digits.
    private static func plainISO(_ text: String) -> (Int, Int, Int)? {
        var text = text
        return text.withUTF8 { b -> (Int, Int, Int)? in
            guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for i in range {
                    let digit = b[i] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return (y, m, d)
        }
    }
}

/// An era written next to a year.
private enum Era {
    case buddhist, common

    init?(_ word: String) {
        switch String(word.lowercased().filter { $0 != "." }) {
        case "พศ", "be": self = .buddhist
        case "คศ", "ad", "ce": self = .common
        default: return nil
        }
    }
}

/// Runs of digits and runs of other non-space characters; spaces and commas only separate.
private enum DateToken: Equatable {
    case number(String)
    case word(String)

    var number: String? { if case .number(let n) = self { n } else { nil } }
    var word: String? { if case .word(let w) = self { w } else { nil } }

    static func split(_ text: String) -> [DateToken] {
        var tokens: [DateToken] = []
        var current = ""
        var currentIsNumber = false
        func flush() {
            if !current.isEmpty { tokens.append(currentIsNumber ? .number(current) : .word(current)) }
            current = ""
        }
        for c in text {
            if c.isWhitespace || c == "," || c == "\u{200B}" {
                flush()
                continue
            }
            let isNumber = c.isASCIIDigit
            if !current.isEmpty && isNumber != currentIsNumber { flush() }
            currentIsNumber = isNumber
            current.append(c)
        }
        flush()
        return tokens
    }
}
