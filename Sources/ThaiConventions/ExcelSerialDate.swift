// Excel's 1900 date system: serial 1 is 1900-01-01, but Excel (copying Lotus 1-2-3) believes
// 1900 was a leap year, so serial 60 is a 29 Feb 1900 that never existed and every serial from
// 61 on is one more than the true day count from 1899-12-31.

extension CalendarDay {
    /// Largest serial Excel accepts: 9999-12-31.
    public static let maxExcelSerial = 2_958_465

    /// The day of an Excel serial date (1900 date system). A fractional part is a time of day
    /// and is dropped. Throws for serial 60 (the fake 29 Feb 1900) and outside 1...2958465.
    public init(excelSerial: Double) throws(ThaiDateError) {
        guard excelSerial.isFinite, excelSerial >= 1, excelSerial < Double(Self.maxExcelSerial + 1) else {
            throw .excelSerialOutOfRange(excelSerial)
        }
        let serial = Int(excelSerial.rounded(.down))
        if serial == 60 { throw .excelNonexistentLeapDay }
        // Before the fake leap day serials count from 1899-12-31; after it, from 1899-12-30.
        let days = serial < 60 ? serial + Self.daysSince1970Of18991231 : serial + Self.daysSince1970Of18991231 - 1
        self = CalendarDay(daysSince1970: days)!
    }

    /// The Excel serial (1900 date system) of this day; nil before 1900-01-01.
    public var excelSerial: Int? {
        let serial = daysSince1970 - Self.daysSince1970Of18991231
        guard serial >= 1 else { return nil }
        return serial < 60 ? serial : serial + 1
    }

    /// 1899-12-31 is 25568 days before 1970-01-01 (70 years, 17 of them leap).
    private static let daysSince1970Of18991231 = -25_568
}
