/// The Thai government fiscal year (ปีงบประมาณ): 1 October to 30 September, named by the
/// Buddhist Era year in which it ends. ปีงบประมาณ 2567 = 2023-10-01 … 2024-09-30.
///
/// Codable as its BE year number (`2567`).
public struct FiscalYear: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The BE year the fiscal year ends in, e.g. 2567.
    public let buddhistYear: Int

    /// Any year whose days lie in `CalendarDay.yearRange` (BE 545...10542); not checked, since
    /// report code builds years by arithmetic (`next`, `previous`).
    public init(buddhistYear: Int) {
        self.buddhistYear = buddhistYear
    }

    /// The fiscal year a day falls in: October–December belong to the next year's budget.
    public init(containing day: CalendarDay) {
        buddhistYear = day.buddhistYear + (day.month >= 10 ? 1 : 0)
    }

    /// 1 October of the previous Gregorian year.
    public var firstDay: CalendarDay { CalendarDay(unchecked: endYearCE - 1, 10, 1) }
    /// 30 September.
    public var lastDay: CalendarDay { CalendarDay(unchecked: endYearCE, 9, 30) }
    /// Every day of the fiscal year; iterable, `count` is 365 or 366.
    public var days: ClosedRange<CalendarDay> { firstDay...lastDay }

    public func contains(_ day: CalendarDay) -> Bool { days.contains(day) }

    public var next: FiscalYear { FiscalYear(buddhistYear: buddhistYear + 1) }
    public var previous: FiscalYear { FiscalYear(buddhistYear: buddhistYear - 1) }

    /// `ปีงบประมาณ 2567` / `Fiscal year 2567 (Oct 2023 – Sep 2024)`.
    public var label: LocalizedMessage {
        LocalizedMessage(
            th: "ปีงบประมาณ \(buddhistYear)",
            en: "Fiscal year \(buddhistYear) (Oct \(endYearCE - 1) – Sep \(endYearCE))")
    }

    public var description: String { "FY \(buddhistYear)" }

    public static func < (a: FiscalYear, b: FiscalYear) -> Bool { a.buddhistYear < b.buddhistYear }

    public init(from decoder: any Decoder) throws {
        buddhistYear = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(buddhistYear)
    }

    private var endYearCE: Int { buddhistYear - CalendarDay.buddhistEraOffset }
}
