import Foundation
import FluentPostgresDriver
import FluentSQLiteDriver
import Tabular

/// Whether an error says the server's storage is full: SQLite's SQLITE_FULL, PostgreSQL's
/// disk_full (53100), or a file write refused with ENOSPC or EDQUOT. The write it stopped
/// changed nothing (its transaction is rolled back, its file removed), so a person is told
/// exactly that, with 507, instead of "something went wrong".
enum StorageFull {
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let e as SQLiteError: return e.reason == .full
        case let e as SQLiteBulk.Failure: return e.isStorageFull
        case let e as PSQLError: return e.serverInfo?[.sqlState] == PostgresError.Code.diskFull.raw
        case let e as TabularError: if case .noSpace = e { return true } else { return false }
        default: return isOutOfSpace(error)
        }
    }
}

extension AppError {
    static let storageFull = AppError(.insufficientStorage,
        th: "พื้นที่จัดเก็บข้อมูลของเซิร์ฟเวอร์เต็ม จึงทำรายการนี้ไม่ได้ ข้อมูลเดิมไม่ถูกเปลี่ยนแปลง กรุณาแจ้งผู้ดูแลระบบ",
        en: "The server's storage is full, so this could not be done; no data was changed. Please tell the system administrator.")
}
