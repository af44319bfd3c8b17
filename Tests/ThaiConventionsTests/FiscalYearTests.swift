import Foundation
import Testing
@testable import ThaiConventions

private func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay {
    try! CalendarDay(year: y, month: m, day: d)
}

@Suite("FiscalYear")
struct FiscalYearTests {
    // ปีงบประมาณ 2567 = 1 Oct 2023 (BE 2566) .. 30 Sep 2024 (BE 2567).
    @Test func rangeOfFY2567() {
        let fy = FiscalYear(buddhistYear: 2567)
        #expect(fy.firstDay == day(2023, 10, 1))
        #expect(fy.lastDay == day(2024, 9, 30))
        #expect(fy.days.count == 366)                  // contains 29 Feb 2024
        #expect(FiscalYear(buddhistYear: 2566).days.count == 365)
    }

    @Test func boundaries() {
        #expect(FiscalYear(containing: day(2023, 9, 30)) == FiscalYear(buddhistYear: 2566))
        #expect(FiscalYear(containing: day(2023, 10, 1)) == FiscalYear(buddhistYear: 2567))
        #expect(FiscalYear(containing: day(2023, 12, 31)) == FiscalYear(buddhistYear: 2567))
        #expect(FiscalYear(containing: day(2024, 1, 1)) == FiscalYear(buddhistYear: 2567))
        #expect(FiscalYear(containing: day(2024, 9, 30)) == FiscalYear(buddhistYear: 2567))
        #expect(FiscalYear(containing: day(2024, 10, 1)) == FiscalYear(buddhistYear: 2568))
        let fy = FiscalYear(buddhistYear: 2567)
        #expect(fy.contains(day(2023, 10, 1)) && fy.contains(day(2024, 9, 30)))
        #expect(!fy.contains(day(2023, 9, 30)) && !fy.contains(day(2024, 10, 1)))
    }

    @Test func everyDayOfAYearBelongsToItsFiscalYear() {
        for fy in [FiscalYear(buddhistYear: 2566), FiscalYear(buddhistYear: 2567)] {
            for d in fy.days { #expect(FiscalYear(containing: d) == fy) }
        }
        // Consecutive fiscal years tile the calendar with no gap.
        let fy = FiscalYear(buddhistYear: 2567)
        #expect(fy.previous.lastDay.adding(days: 1) == fy.firstDay)
        #expect(fy.lastDay.adding(days: 1) == fy.next.firstDay)
    }

    @Test func labelsAndCodable() throws {
        let fy = FiscalYear(buddhistYear: 2567)
        #expect(fy.label.th == "ปีงบประมาณ 2567")
        #expect(fy.label.en == "Fiscal year 2567 (Oct 2023 – Sep 2024)")
        #expect(String(decoding: try JSONEncoder().encode([fy]), as: UTF8.self) == "[2567]")
        #expect(try JSONDecoder().decode([FiscalYear].self, from: Data("[2567]".utf8)) == [fy])
        #expect(FiscalYear(buddhistYear: 2566) < fy)
    }
}
