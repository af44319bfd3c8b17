import Foundation

/// A day in the proleptic Gregorian calendar: year (CE), month, day, and nothing else.
///
/// No time and no time zone, so a date typed as `15/03/2566` stays 15 March whatever the
/// server's zone. Convert instants with `BangkokTime.calendarDay(of:)`.
/// Codable as an ISO 8601 string (`"2023-03-15"`), the form used in the database and API.
public struct CalendarDay: Sendable, Hashable, Comparable, Strideable, Codable, CustomStringConvertible {
    /// Gregorian (CE) year, 1...9999.
    public let year: Int
    /// 1...12
    public let month: Int
    /// 1...31
    public let day: Int

    /// The supported years: ISO 8601 four-digit years, and Excel's limit.
    public static let yearRange = 1...9999

    /// The difference between Buddhist Era and Common Era years (พ.ศ. = ค.ศ. + 543).
    public static let buddhistEraOffset = 543

    /// A day from a Gregorian (CE) year; throws `.nonexistentDate` for e.g. 31 Feb.
    public init(year: Int, month: Int, day: Int) throws(ThaiDateError) {
        guard Self.yearRange.contains(year) else { throw .yearOutOfRange(year) }
        guard (1...12).contains(month), (1...Self.daysInMonth(year: year, month: month)).contains(day) else {
            throw .nonexistentDate(year: year, month: month, day: day)
        }
        self.init(unchecked: year, month, day)
    }

    /// A day from a Buddhist Era (พ.ศ.) year.
    public init(buddhistYear: Int, month: Int, day: Int) throws(ThaiDateError) {
        try self.init(year: buddhistYear - Self.buddhistEraOffset, month: month, day: day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The Buddhist Era (พ.ศ.) year.
    public var buddhistYear: Int { year + Self.buddhistEraOffset }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in `month` (1...12) of Gregorian `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: Day arithmetic

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int {
        // Count from 1 March of year 0 so the leap day is the last day of the counting year.
        let y = month <= 2 ? year - 1 : year
        let m = month <= 2 ? month + 9 : month - 3          // March = 0 ... February = 11
        let dayOfYear = (153 * m + 2) / 5 + day - 1          // 153 days per 5 months from March
        let daysBeforeYear = 365 * y + y / 4 - y / 100 + y / 400
        return daysBeforeYear + dayOfYear - Self.marchFirstYear0To1970
    }

    /// The day `days` after 1970-01-01; nil outside `yearRange`.
    public init?(daysSince1970 days: Int) {
        let n = days + Self.marchFirstYear0To1970          // days since 1 March of year 0
        // 146097 days per 400-year cycle; find the cycle, then the year, then the month.
        let cycle = (n >= 0 ? n : n - 146_096) / 146_097
        let dayOfCycle = n - cycle * 146_097
        let yearOfCycle = (dayOfCycle - dayOfCycle / 1460 + dayOfCycle / 36524 - dayOfCycle / 146_096) / 365
        let dayOfYear = dayOfCycle - (365 * yearOfCycle + yearOfCycle / 4 - yearOfCycle / 100)
        let m = (5 * dayOfYear + 2) / 153                  // March = 0
        let d = dayOfYear - (153 * m + 2) / 5 + 1
        let month = m < 10 ? m + 3 : m - 9
        let year = yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0)
        guard Self.yearRange.contains(year) else { return nil }
        self.init(unchecked: year, month, d)
    }

    /// Days from 1 March of year 0 to 1970-01-01.
    private static let marchFirstYear0To1970 = 719_468

    /// The day `days` later (earlier if negative). Traps outside `yearRange`, like integer overflow.
    public func adding(days: Int) -> CalendarDay {
        guard let d = CalendarDay(daysSince1970: daysSince1970 + days) else {
            preconditionFailure("CalendarDay out of range: \(self) + \(days) days")
        }
        return d
    }

    public func distance(to other: CalendarDay) -> Int { other.daysSince1970 - daysSince1970 }
    public func advanced(by n: Int) -> CalendarDay { adding(days: n) }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    // MARK: Codable as ISO 8601

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CalendarDay(iso8601: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }

    /// ISO 8601, e.g. `2023-03-15`.
    public var description: String { iso8601 }
}
