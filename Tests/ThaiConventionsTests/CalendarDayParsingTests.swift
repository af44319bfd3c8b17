import Testing
@testable import ThaiConventions

private func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay {
    try! CalendarDay(year: y, month: m, day: d)
}

@Suite("CalendarDay parsing")
struct CalendarDayParsingTests {
    @Test(arguments: [
        "15/03/2566", "15/3/2566", "15-03-2566", "15.03.2566", "  15/03/2566  ",
        "15 มี.ค. 2566", "15 มี.ค.2566", "15มี.ค.2566", "15 มีค 2566", "15 มีนาคม 2566",
        "15 มีนาคม พ.ศ. 2566", "15 มีนาคม 2566 พ.ศ.",
        "2023-03-15", "2023-3-15", "2023/03/15", "2566-03-15",
        "15/03/2023", "15 Mar 2023", "15 March 2023", "15 march, 2023", "15 MAR 2023", "15 Mar 2566",
        "๑๕/๐๓/๒๕๖๖", "๑๕/๓/๒๕๖๖", "๑๕ มี.ค. ๒๕๖๖", "๑๕ มีนาคม ๒๕๖๖", "๒๐๒๓-๐๓-๑๕",
        "45000", "๔๕๐๐๐", "45000.75",
    ])
    func readsWhatPeopleType(text: String) throws {
        #expect(try CalendarDay.parse(text) == day(2023, 3, 15))
    }

    /// `YYYY-MM-DD` is read by a short path; a leading space sends the same date through the
    /// general rules, which must give the same day or the same error.
    @Test func plainISOReadsAsTheGeneralRulesDo() {
        func read(_ text: String) -> Result<CalendarDay, ThaiDateError> { Result { () throws(ThaiDateError) in try CalendarDay.parse(text) } }
        for y in ["0000", "0001", "0999", "1857", "1900", "2023", "2024", "2400", "2401", "2566", "2567", "9999"] {
            for m in ["00", "01", "02", "09", "12", "13"] {
                for d in ["00", "01", "28", "29", "30", "31", "32"] {
                    let iso = "\(y)-\(m)-\(d)"
                    #expect(read(iso) == read(" " + iso), "\(iso)")
                }
            }
        }
        #expect(throws: ThaiDateError.self) { try CalendarDay.parse("2023-0a-15") }
    }

    // A four-digit year above 2400 is BE; 2400 and below is CE.
    @Test func buddhistEraBoundary() throws {
        #expect(try CalendarDay.parse("01/01/2401") == day(1858, 1, 1))   // 2401 − 543
        #expect(try CalendarDay.parse("01/01/2400") == day(2400, 1, 1))
        #expect(try CalendarDay.parse("31/12/2400") == day(2400, 12, 31))
        #expect(try CalendarDay.parse("1 ม.ค. 2401") == day(1858, 1, 1))
        #expect(try CalendarDay.parse("2401-01-01") == day(1858, 1, 1))
        #expect(try CalendarDay.parse("1 Jan 1999") == day(1999, 1, 1))
    }

    @Test func explicitEraOverridesTheRule() throws {
        #expect(try CalendarDay.parse("1 มกราคม ค.ศ. 2566") == day(2566, 1, 1))
        #expect(try CalendarDay.parse("1 Jan 2023 AD") == day(2023, 1, 1))
        #expect(try CalendarDay.parse("1 มกราคม พ.ศ. 2300") == day(1757, 1, 1))
        #expect(try CalendarDay.parse("1 Jan 2566 BE") == day(2023, 1, 1))
    }

    @Test func leapDays() throws {
        #expect(try CalendarDay.parse("29 ก.พ. 2567") == day(2024, 2, 29))
        #expect(try CalendarDay.parse("29/02/2567") == day(2024, 2, 29))
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 29)) {
            try CalendarDay.parse("29 ก.พ. 2566")
        }
        #expect(try CalendarDay.parse("29/02/2000") == day(2000, 2, 29))
        #expect(throws: ThaiDateError.nonexistentDate(year: 2100, month: 2, day: 29)) {
            try CalendarDay.parse("29/02/2643")   // 2643 − 543 = 2100, not a leap year
        }
    }

    @Test func rejectsImpossibleDatesWithTypedError() {
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 31)) {
            try CalendarDay.parse("31/02/2566")
        }
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 13, day: 1)) {
            try CalendarDay.parse("1/13/2023")   // day/month order: month 13, not 13 January
        }
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 4, day: 31)) {
            try CalendarDay.parse("31 เม.ย. 2566")
        }
    }

    @Test func rejectsEmptyAmbiguousAndGarbage() {
        #expect(throws: ThaiDateError.empty) { try CalendarDay.parse("") }
        #expect(throws: ThaiDateError.empty) { try CalendarDay.parse("   ") }
        #expect(throws: ThaiDateError.ambiguousYear("15/03/66")) { try CalendarDay.parse("15/03/66") }
        #expect(throws: ThaiDateError.ambiguousYear("15 มี.ค. 66")) { try CalendarDay.parse("15 มี.ค. 66") }
        for junk in ["hello", "15/03-2566", "15 มีน 2566", "15 03 2566", "2023-03-15T10:00", "15//2566",
                     "15 มีนาคม ปี 2566", "1.2.3.4", "123/03/2566", "๑๕/๐๓"] {
            #expect(throws: ThaiDateError.self, "\(junk)") { try CalendarDay.parse(junk) }
        }
    }

    @Test func strictISO() throws {
        #expect(try CalendarDay(iso8601: "2024-02-29") == day(2024, 2, 29))
        #expect(try CalendarDay(iso8601: "0001-01-01") == day(1, 1, 1))
        for bad in ["2023-3-15", "15/03/2566", "2023-03-15 ", "๒๐๒๓-๐๓-๑๕", "20230315", "+2023-03-15"] {
            #expect(throws: ThaiDateError.unrecognizedFormat(bad)) { try CalendarDay(iso8601: bad) }
        }
        #expect(throws: ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 29)) {
            try CalendarDay(iso8601: "2023-02-29")
        }
    }
}

@Suite("Excel serial dates")
struct ExcelSerialDateTests {
    // Excel (1900 system): 1 = 1900-01-01; 59 = 1900-02-28; 60 = the fake 1900-02-29;
    // 61 = 1900-03-01. For 45000, by hand: 1900-01-01 .. 2022-12-31 is 123 years with 30 leap
    // days (1904 .. 2020), 123 × 365 + 30 = 44925 days, so 2023-01-01 is serial
    // 1 + 44925 + 1 (the fake day) = 44927; + 31 (Jan) + 28 (Feb) + 14 = 45000 on 2023-03-15.
    // 36526 = 2000-01-01 is the well-known serial of the millennium.
    @Test func knownSerials() throws {
        #expect(try CalendarDay(excelSerial: 1) == day(1900, 1, 1))
        #expect(try CalendarDay(excelSerial: 59) == day(1900, 2, 28))
        #expect(try CalendarDay(excelSerial: 61) == day(1900, 3, 1))
        #expect(try CalendarDay(excelSerial: 45000) == day(2023, 3, 15))
        #expect(try CalendarDay(excelSerial: 45000.999) == day(2023, 3, 15))
        #expect(try CalendarDay(excelSerial: 36526) == day(2000, 1, 1))
        #expect(try CalendarDay(excelSerial: 2_958_465) == day(9999, 12, 31))
    }

    @Test func fakeLeapDayIsRejected() {
        #expect(throws: ThaiDateError.excelNonexistentLeapDay) { try CalendarDay(excelSerial: 60) }
        #expect(throws: ThaiDateError.excelNonexistentLeapDay) { try CalendarDay.parse("60") }
        #expect(throws: ThaiDateError.excelNonexistentLeapDay) { try CalendarDay(excelSerial: 60.5) }
    }

    @Test func outOfRangeSerials() {
        for s in [0, 0.5, -1, 2_958_466, .nan, .infinity] as [Double] {
            #expect(throws: ThaiDateError.self) { try CalendarDay(excelSerial: s) }
        }
    }

    @Test func serialOfDay() throws {
        #expect(day(1900, 1, 1).excelSerial == 1)
        #expect(day(1900, 2, 28).excelSerial == 59)
        #expect(day(1900, 3, 1).excelSerial == 61)
        #expect(day(2023, 3, 15).excelSerial == 45000)
        #expect(day(1899, 12, 31).excelSerial == nil)
        // Round trip over the boundary and a sample of later serials.
        for s in [1, 2, 58, 59, 61, 62, 366, 1000, 36526, 45000, 2_958_465] {
            #expect(try CalendarDay(excelSerial: Double(s)).excelSerial == s)
        }
    }
}
