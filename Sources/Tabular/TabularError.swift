import Foundation
import ThaiConventions

/// Why a tabular file could not be read or written. Every case explains itself in Thai and English;
/// `row` gives the 1-based row number (the header is row 1) when the problem belongs to one row.
public enum TabularError: BilingualError, Equatable, CustomStringConvertible {
    /// The bytes are neither UTF-8 nor Thai legacy text (TIS-620 / Windows-874).
    case unrecognizedEncoding
    /// Bytes of a row are not valid in the file's (detected) encoding.
    case invalidText(row: Int, line: Int, encoding: ThaiTextEncoding)
    /// A quoted field opened on `row` (starting at physical `line`) is never closed.
    case unterminatedQuote(row: Int, line: Int)
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The output could not be written.
    case unwritable(path: String, reason: String)
    /// The output could not be written because the disk (or the quota) is full.
    case noSpace(path: String)
    /// The file is not an Excel workbook (.xlsx), or a part of it is missing or damaged.
    case notAnXLSX(reason: String)
    /// No sheet with this name (or index) in the workbook.
    case sheetNotFound(String)
    /// An XML part of the workbook could not be parsed.
    case malformedXML(part: String, line: Int, reason: String)
    /// A text longer than Excel allows in one cell (32,767 characters).
    case cellTooLong(row: Int, column: Int)
    /// More rows than an Excel sheet holds (1,048,576).
    case tooManyRows
    /// A writer was used after `finish()`.
    case alreadyFinished

    /// The 1-based row the error belongs to, if any.
    public var row: Int? {
        switch self {
        case let .invalidText(row, _, _), let .unterminatedQuote(row, _), let .cellTooLong(row, _): row
        default: nil
        }
    }

    public var message: LocalizedMessage {
        switch self {
        case .unrecognizedEncoding:
            LocalizedMessage(
                th: "ไม่รู้จักการเข้ารหัสของไฟล์ กรุณาบันทึกไฟล์เป็น UTF-8 หรือ TIS-620",
                en: "Unrecognized file encoding. Please save the file as UTF-8 or TIS-620.")
        case let .invalidText(row, line, encoding):
            LocalizedMessage(
                th: "แถวที่ \(row) (บรรทัด \(line)) มีไบต์ที่ไม่ถูกต้องสำหรับการเข้ารหัส \(encoding.rawValue) ไฟล์อาจเสียหรือใช้การเข้ารหัสปนกัน",
                en: "Row \(row) (line \(line)) has bytes that are invalid in \(encoding.rawValue); the file may be damaged or mix encodings.")
        case let .unterminatedQuote(row, line):
            LocalizedMessage(
                th: "แถวที่ \(row) (บรรทัด \(line)) เปิดเครื่องหมายคำพูด \" แต่ไม่ได้ปิดจนจบไฟล์",
                en: "Row \(row) (line \(line)) opens a quoted field (\") that is never closed.")
        case let .unreadable(path, reason):
            LocalizedMessage(th: "อ่านไฟล์ \(path) ไม่ได้: \(reason)", en: "Cannot read \(path): \(reason)")
        case let .unwritable(path, reason):
            LocalizedMessage(th: "เขียนไฟล์ \(path) ไม่ได้: \(reason)", en: "Cannot write \(path): \(reason)")
        case let .noSpace(path):
            LocalizedMessage(th: "พื้นที่จัดเก็บเต็ม เขียนไฟล์ \(path) ไม่ได้", en: "No space left to write \(path).")
        case let .notAnXLSX(reason):
            LocalizedMessage(
                th: "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้องหรือไฟล์เสีย กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่ (รายละเอียด: \(reason))",
                en: "This is not a valid Excel (.xlsx) file: \(reason)")
        case let .sheetNotFound(name):
            LocalizedMessage(th: "ไม่พบแผ่นงาน “\(name)” ในไฟล์", en: "The workbook has no sheet “\(name)”.")
        case let .malformedXML(part, line, reason):
            LocalizedMessage(
                th: "ส่วน \(part) ของไฟล์ Excel เสีย (บรรทัด \(line)): \(reason)",
                en: "Part \(part) of the Excel file is damaged (line \(line)): \(reason)")
        case let .cellTooLong(row, column):
            LocalizedMessage(
                th: "แถวที่ \(row) คอลัมน์ที่ \(column) ยาวเกิน 32,767 ตัวอักษรที่ Excel รับได้",
                en: "Row \(row), column \(column) is longer than the 32,767 characters Excel allows in a cell.")
        case .tooManyRows:
            LocalizedMessage(
                th: "ข้อมูลเกิน 1,048,576 แถวที่แผ่นงาน Excel รับได้ กรุณาส่งออกเป็น CSV",
                en: "More than the 1,048,576 rows an Excel sheet holds; please export as CSV.")
        case .alreadyFinished:
            LocalizedMessage(th: "ไฟล์นี้เขียนเสร็จแล้ว เพิ่มข้อมูลไม่ได้", en: "The file is already finished; nothing more can be written.")
        }
    }

    public var description: String { message.en }

    /// Why writing `path` failed: `.noSpace` when the system said the disk or quota is full
    /// (so the server can say so instead of blaming the file), else `.unwritable`.
    static func writing(_ path: String, _ error: any Error) -> TabularError {
        isOutOfSpace(error) ? .noSpace(path: path) : .unwritable(path: path, reason: error.localizedDescription)
    }
}

/// Whether a file operation failed because the disk or the quota is full (ENOSPC, EDQUOT),
/// however Foundation reported it.
public func isOutOfSpace(_ error: any Error) -> Bool {
    if let cocoa = error as? CocoaError, cocoa.code == .fileWriteOutOfSpace { return true }
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain, ns.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
    if ns.domain == NSPOSIXErrorDomain, ns.code == Int(ENOSPC) || ns.code == Int(EDQUOT) { return true }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return isOutOfSpace(underlying) }
    return false
}
