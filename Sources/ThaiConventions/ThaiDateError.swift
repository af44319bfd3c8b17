/// Why a date could not be made or read. Every case explains itself in Thai and English.
public enum ThaiDateError: BilingualError, Equatable, CustomStringConvertible {
    /// Nothing was typed.
    case empty
    /// The text is not in any accepted form.
    case unrecognizedFormat(String)
    /// A two-digit (or otherwise short) year without an era: `15/03/66` could be 2566 or 1966.
    case ambiguousYear(String)
    /// Month or day out of range, e.g. 31 February; `year` is CE.
    case nonexistentDate(year: Int, month: Int, day: Int)
    /// A CE year outside 1...9999.
    case yearOutOfRange(Int)
    /// An Excel serial below 1 or after 9999-12-31 (2958465).
    case excelSerialOutOfRange(Double)
    /// Excel serial 60: Excel's 29 Feb 1900, a day that never existed (Lotus 1-2-3 bug).
    case excelNonexistentLeapDay

    public var message: LocalizedMessage {
        switch self {
        case .empty:
            return LocalizedMessage(th: "กรุณากรอกวันที่", en: "Please enter a date.")
        case .unrecognizedFormat(let text):
            return LocalizedMessage(
                th: "อ่านวันที่ “\(text)” ไม่ได้ ใช้รูปแบบ 15/03/2566, 15 มี.ค. 2566 หรือ 2023-03-15",
                en: "Cannot read the date “\(text)”. Use 15/03/2566, 15 มี.ค. 2566 or 2023-03-15.")
        case .ambiguousYear(let text):
            return LocalizedMessage(
                th: "ปีใน “\(text)” ไม่ชัดเจน กรุณาใส่ปีเป็นตัวเลข 4 หลัก เช่น 2566",
                en: "The year in “\(text)” is ambiguous. Please write the year with 4 digits, e.g. 2566 or 2023.")
        case let .nonexistentDate(year, month, day):
            guard (1...12).contains(month) else {
                return LocalizedMessage(
                    th: "ไม่มีเดือนที่ \(month) (เดือนต้องอยู่ระหว่าง 1 ถึง 12)",
                    en: "There is no month \(month) (months run from 1 to 12).")
            }
            let days = CalendarDay.daysInMonth(year: year, month: month)
            let th = ThaiMonthNames.thaiLong[month - 1]
            let en = ThaiMonthNames.englishLong[month - 1]
            return LocalizedMessage(
                th: "ไม่มีวันที่ \(day) \(th) \(year + CalendarDay.buddhistEraOffset) (เดือนนี้มี \(days) วัน)",
                en: "There is no \(day) \(en) \(year) (that month has \(days) days).")
        case .yearOutOfRange(let year):
            return LocalizedMessage(
                th: "ปี ค.ศ. \(year) (พ.ศ. \(year + CalendarDay.buddhistEraOffset)) อยู่นอกช่วงที่รองรับ",
                en: "The year \(year) CE is outside the supported range 1–9999.")
        case .excelSerialOutOfRange(let serial):
            return LocalizedMessage(
                th: "เลขวันที่ของ Excel \(serial) อยู่นอกช่วงที่รองรับ (1 ถึง 2958465)",
                en: "The Excel date number \(serial) is outside the supported range 1–2958465.")
        case .excelNonexistentLeapDay:
            return LocalizedMessage(
                th: "เลขวันที่ 60 ของ Excel คือ 29 ก.พ. 2443 ซึ่งไม่มีอยู่จริง กรุณาตรวจสอบข้อมูล",
                en: "Excel date number 60 is 29 Feb 1900, a day that never existed. Please check the data.")
        }
    }

    public var description: String { message.en }
}
