import Foundation
import Testing
@testable import ThaiConventions

private func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay {
    try! CalendarDay(year: y, month: m, day: d)
}

@Suite("CalendarDay")
struct CalendarDayTests {
    @Test func buddhistEraIsCommonEraPlus543() throws {
        #expect(day(2023, 3, 15).buddhistYear == 2566)
        #expect(try CalendarDay(buddhistYear: 2566, month: 3, day: 15) == day(2023, 3, 15))
    }

    @Test func leapYears() throws {
        #expect(CalendarDay.isLeapYear(2024))      // divisible by 4
        #expect(!CalendarDay.isLeapYear(2023))
        #expect(!CalendarDay.isLeapYear(1900))     // century, not by 400
        #expect(CalendarDay.isLeapYear(2000))      // by 400
        // 29 ก.พ. 2567 = 29 Feb 2024 exists; 29 ก.พ. 2566 = 29 Feb 2023 does not.
        #expect(try CalendarDay(buddhistYear: 2567, month: 2, day: 29) == day(2024, 2, 29))
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 29)) {
            try CalendarDay(buddhistYear: 2566, month: 2, day: 29)
        }
        #expect(throws: ThaiDateError.nonexistentDate(year: 1900, month: 2, day: 29)) {
            try CalendarDay(year: 1900, month: 2, day: 29)
        }
    }

    @Test(arguments: [(2023, 2, 31), (2023, 4, 31), (2023, 13, 1), (2023, 0, 1), (2023, 1, 0), (2023, 1, 32)])
    func rejectsImpossibleDates(y: Int, m: Int, d: Int) {
        #expect(throws: ThaiDateError.nonexistentDate(year: y, month: m, day: d)) {
            try CalendarDay(year: y, month: m, day: d)
        }
    }

    @Test func rejectsYearsOutsideRange() {
        #expect(throws: ThaiDateError.yearOutOfRange(0)) { try CalendarDay(year: 0, month: 1, day: 1) }
        #expect(throws: ThaiDateError.yearOutOfRange(10000)) { try CalendarDay(year: 10000, month: 1, day: 1) }
    }

    @Test func impossibleDateMessageIsBilingualAndSaysWhy() {
        let m = ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 31).message
        #expect(m.th == "ไม่มีวันที่ 31 กุมภาพันธ์ 2566 (เดือนนี้มี 28 วัน)")
        #expect(m.en == "There is no 31 February 2023 (that month has 28 days).")
    }

    @Test func daysSince1970KnownValues() {
        #expect(day(1970, 1, 1).daysSince1970 == 0)
        #expect(day(1969, 12, 31).daysSince1970 == -1)
        // 2000-03-01: 30 years (1970..1999) with 7 leap years (72..96) = 10957, + Jan 31 + Feb 29.
        #expect(day(2000, 3, 1).daysSince1970 == 10_957 + 31 + 29)
        // 2023-03-15: 53 years with 13 leap years = 19358, + 31 + 28 + 14.
        #expect(day(2023, 3, 15).daysSince1970 == 19_358 + 73)
        #expect(CalendarDay(daysSince1970: 19_431) == day(2023, 3, 15))
        #expect(CalendarDay(daysSince1970: 0) == day(1970, 1, 1))
    }

    /// Foundation's Gregorian calendar in UTC is an independent oracle for the day arithmetic.
    @Test func dayArithmeticAgreesWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        // Every 7th day from 1800 to 2600 plus the extremes of the supported range.
        let first = day(1800, 1, 1).daysSince1970, last = day(2600, 12, 31).daysSince1970
        for n in Swift.stride(from: first, through: last, by: 7) + [day(1, 1, 1).daysSince1970, day(9999, 12, 31).daysSince1970] {
            let date = Date(timeIntervalSince1970: Double(n) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            guard n >= day(1600, 1, 1).daysSince1970 else { continue } // Foundation switches to Julian before 1582
            let d = CalendarDay(daysSince1970: n)
            #expect(d?.year == c.year && d?.month == c.month && d?.day == c.day, "day \(n)")
            #expect(d?.daysSince1970 == n)
        }
    }

    @Test func roundTripsEveryDayOfFourHundredYears() {
        var expected = day(1900, 1, 1)
        for n in expected.daysSince1970...day(2300, 1, 1).daysSince1970 {
            let d = CalendarDay(daysSince1970: n)!
            #expect(d == expected)
            if d != expected { break }
            // Step by hand: next day of month, or first of next month, or of next year.
            if expected.day < CalendarDay.daysInMonth(year: expected.year, month: expected.month) {
                expected = day(expected.year, expected.month, expected.day + 1)
            } else if expected.month < 12 {
                expected = day(expected.year, expected.month + 1, 1)
            } else {
                expected = day(expected.year + 1, 1, 1)
            }
        }
    }

    @Test func outOfRangeDaysAreNil() {
        #expect(CalendarDay(daysSince1970: day(1, 1, 1).daysSince1970 - 1) == nil)
        #expect(CalendarDay(daysSince1970: day(9999, 12, 31).daysSince1970 + 1) == nil)
    }

    @Test func stridesAndCompares() {
        #expect(day(2023, 12, 31).adding(days: 1) == day(2024, 1, 1))
        #expect(day(2024, 3, 1).adding(days: -1) == day(2024, 2, 29))
        #expect(day(2023, 1, 1).distance(to: day(2024, 1, 1)) == 365)
        #expect(day(2024, 1, 1).distance(to: day(2025, 1, 1)) == 366)
        #expect(day(2023, 3, 15) < day(2023, 3, 16))
        #expect(day(2023, 12, 31) < day(2024, 1, 1))
        #expect((day(2024, 2, 27)...day(2024, 3, 1)).count == 4)
    }

    @Test func codableAsISOString() throws {
        let json = try JSONEncoder().encode([day(2023, 3, 5)])
        #expect(String(decoding: json, as: UTF8.self) == #"["2023-03-05"]"#)
        #expect(try JSONDecoder().decode([CalendarDay].self, from: json) == [day(2023, 3, 5)])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDay].self, from: Data(#"["2023-02-30"]"#.utf8))
        }
    }
}
