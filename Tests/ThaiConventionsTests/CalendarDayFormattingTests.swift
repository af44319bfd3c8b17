import Testing
@testable import ThaiConventions

private func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay {
    try! CalendarDay(year: y, month: m, day: d)
}

@Suite("CalendarDay formatting")
struct CalendarDayFormattingTests {
    @Test func thaiShortAndLong() {
        #expect(day(2023, 3, 15).formatted(.thaiShort) == "15 มี.ค. 2566")
        #expect(day(2023, 3, 15).formatted() == "15 มี.ค. 2566")
        #expect(day(2023, 3, 15).formatted(.thaiLong) == "15 มีนาคม 2566")
        #expect(day(2024, 2, 29).formatted(.thaiLong) == "29 กุมภาพันธ์ 2567")
        #expect(day(2023, 1, 1).formatted(.thaiShort) == "1 ม.ค. 2566")
    }

    @Test func thaiDigits() {
        #expect(day(2023, 3, 15).formatted(.thaiShort, thaiDigits: true) == "๑๕ มี.ค. ๒๕๖๖")
        #expect(day(2023, 3, 15).formatted(.thaiLong, thaiDigits: true) == "๑๕ มีนาคม ๒๕๖๖")
    }

    @Test func englishAndISO() {
        #expect(day(2023, 3, 15).formatted(.english) == "15 Mar 2023")
        #expect(day(2023, 3, 15).formatted(.iso8601) == "2023-03-15")
        #expect(day(2023, 3, 5).iso8601 == "2023-03-05")
        #expect(day(987, 1, 2).iso8601 == "0987-01-02")
        #expect(day(2023, 3, 5).description == "2023-03-05")
    }

    @Test func allTwelveMonths() throws {
        let short = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
        let long = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
        let english = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for m in 1...12 {
            let d = day(2024, m, 1)
            #expect(d.formatted(.thaiShort) == "1 \(short[m - 1]) 2567")
            #expect(d.formatted(.thaiLong) == "1 \(long[m - 1]) 2567")
            #expect(d.formatted(.english) == "1 \(english[m - 1]) 2024")
            // Every formatted form reads back as the same day.
            for style in CalendarDay.Style.allCases {
                #expect(try CalendarDay.parse(d.formatted(style)) == d)
                #expect(try CalendarDay.parse(d.formatted(style, thaiDigits: true)) == d)
            }
        }
    }
}
