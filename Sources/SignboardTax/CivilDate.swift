// A calendar day with no time zone: the law counts days and months on the calendar, and a
// notice received "on 1 April" is the same day everywhere. Parsed by hand from ISO `YYYY-MM-DD`
// (a formatter per element would dominate the cost of assessing a million signs).

/// A Gregorian calendar date.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil unless the date exists (month 1...12, day within the month, year 1...9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`. A year above 2400 is Buddhist Era and is converted to CE.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ CivilDate(isoBytes: $0) }) else { return nil }
        self = date
    }

    /// The same as `init?(iso:)` on raw UTF-8 bytes.
    public init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let rawYear = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return nil }
        let year = rawYear > TaxYear.buddhistEraThreshold ? rawYear - TaxYear.buddhistEraOffset : rawYear
        self.init(year: year, month: month, day: day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// "2024-05-10".
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Quarter of the year, 1 (January-March) to 4 (October-December).
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// The date `days` later (or earlier, when negative). Stays in range for the dates the law
    /// needs (+15 days); clamps at 9999-12-31 rather than trap.
    public func adding(days: Int) -> CivilDate {
        var year = self.year, month = self.month, day = self.day + days
        while day > CivilDate.daysIn(month: month, year: year) {
            day -= CivilDate.daysIn(month: month, year: year)
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        while day < 1 {
            month -= 1
            if month < 1 { month = 12; year -= 1 }
            day += CivilDate.daysIn(month: month, year: year)
        }
        return CivilDate(year: year, month: month, day: day) ?? CivilDate.clamped(year: year)
    }

    /// The same day `months` calendar months later; a day that the target month lacks becomes
    /// its last day (31 January + 1 month = 28 or 29 February).
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let newYear = index / 12, newMonth = index % 12 + 1
        guard (1...9999).contains(newYear) else { return CivilDate.clamped(year: newYear) }
        let newDay = min(day, CivilDate.daysIn(month: newMonth, year: newYear))
        return CivilDate(year: newYear, month: newMonth, day: newDay) ?? CivilDate.clamped(year: newYear)
    }

    /// The earliest and latest representable dates.
    public static let earliest = CivilDate(unchecked: 1, 1, 1)
    public static let latest = CivilDate(unchecked: 9999, 12, 31)

    private static func clamped(year: Int) -> CivilDate {
        year < 1 ? earliest : latest
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}
