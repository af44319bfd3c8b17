import ThaiConventions

/// A date and time of day with no time zone, as Excel stores it (a serial with a fraction).
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let day: CalendarDay
    /// Seconds since midnight, 0 ..< 86 400 (fractions are milliseconds from Excel).
    public let secondsIntoDay: Double

    public init(day: CalendarDay, secondsIntoDay: Double) {
        self.day = day
        self.secondsIntoDay = min(max(secondsIntoDay, 0), 86_399.999)
    }

    public init(day: CalendarDay, hour: Int, minute: Int, second: Double = 0) {
        self.init(day: day, secondsIntoDay: Double(hour * 3600 + minute * 60) + second)
    }

    /// From an Excel serial (1900 date system), rounded to the millisecond as Excel shows it.
    public init(excelSerial: Double) throws(ThaiDateError) {
        let ms = (excelSerial * 86_400_000).rounded()
        let wholeDays = (ms / 86_400_000).rounded(.down)
        day = try CalendarDay(excelSerial: wholeDays)
        secondsIntoDay = (ms - wholeDays * 86_400_000) / 1000
    }

    /// The Excel serial (1900 date system); nil before 1900-01-01.
    public var excelSerial: Double? {
        guard let d = day.excelSerial else { return nil }
        return Double(d) + secondsIntoDay / 86_400
    }

    public var hour: Int { Int(secondsIntoDay) / 3600 }
    public var minute: Int { Int(secondsIntoDay) % 3600 / 60 }
    public var second: Int { Int(secondsIntoDay) % 60 }

    /// `2023-03-15T13:45:00` (no zone; milliseconds only when present).
    public var iso8601: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var s = "\(day.iso8601)T\(two(hour)):\(two(minute)):\(two(second))"
        let ms = Int(((secondsIntoDay - secondsIntoDay.rounded(.down)) * 1000).rounded())
        if ms > 0 { s += "." + String(String(ms + 1000).dropFirst()) }
        return s
    }

    public var description: String { iso8601 }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        (a.day, a.secondsIntoDay) < (b.day, b.secondsIntoDay)
    }
}

/// The value of one spreadsheet cell, read from or written to XLSX.
public enum CellValue: Sendable, Hashable {
    case empty
    case text(String)
    /// A number, with the text it was stored as (e.g. `"1234567890123"`, `"0.1"`).
    case number(Double, raw: String)
    case bool(Bool)
    /// A numeric cell formatted as a date (its Excel serial converted).
    case date(CalendarDay)
    /// A numeric cell formatted as a date with a time.
    case dateTime(LocalDateTime)
    /// An Excel error such as `#N/A` or `#DIV/0!`.
    case error(String)

    /// A number whose raw text is its shortest exact rendering.
    public static func number(_ value: Double) -> CellValue { .number(value, raw: formatNumber(value)) }
    /// An integer number.
    public static func integer(_ value: Int) -> CellValue { .number(Double(value), raw: String(value)) }

    /// The cell as text for importers: text as is; numbers without a needless `.0`
    /// (`1234567890123`, `12.5`); dates ISO 8601 (`2023-03-15`, `2023-03-15T13:45:00`);
    /// booleans `TRUE`/`FALSE`; errors as Excel shows them; empty as "".
    public var textValue: String {
        switch self {
        case .empty: ""
        case let .text(s): s
        case let .number(d, _): formatNumber(d)
        case let .bool(b): b ? "TRUE" : "FALSE"
        case let .date(day): day.iso8601
        case let .dateTime(dt): dt.iso8601
        case let .error(e): e
        }
    }

    public var isEmpty: Bool { self == .empty }
}

/// Shortest text that reads back as the same Double; integers without a fraction.
func formatNumber(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
}

/// Excel column letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA.
func columnLetters(_ index: Int) -> String {
    var n = index + 1
    var letters: [UInt8] = []
    while n > 0 {
        let r = (n - 1) % 26
        letters.append(UInt8(65 + r))
        n = (n - 1) / 26
    }
    return String(decoding: letters.reversed(), as: UTF8.self)
}

/// 0-based column index of a cell reference such as `C7` or `AA10`; nil if it has no letters.
func columnIndex<S: StringProtocol>(ofReference ref: S) -> Int? {
    var n = 0
    var seen = false
    for b in ref.utf8 {
        let u = b & ~0x20   // upper case
        guard u >= 65 && u <= 90 else { break }
        n = n * 26 + Int(u - 64)
        seen = true
    }
    return seen ? n - 1 : nil
}
