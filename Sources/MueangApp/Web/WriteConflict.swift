import FluentPostgresDriver
import FluentSQLiteDriver

/// Whether an error says that another request changed the same data at the same moment: a
/// unique key taken in between (two saves of one record both writing its next version, two
/// records given one unique value), or PostgreSQL giving up one of two transactions. The
/// transaction that lost was rolled back whole, so the person is told to look again and retry,
/// with 409, instead of "something went wrong".
enum WriteConflict {
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let e as SQLiteError:
            return [.constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed].contains(e.reason)
        case let e as PSQLError:
            let state = e.serverInfo?[.sqlState]
            return [PostgresError.Code.uniqueViolation, .serializationFailure, .deadlockDetected].contains { $0.raw == state }
        default:
            return false
        }
    }
}

extension AppError {
    static let writeConflict = AppError(.conflict,
        th: "มีการบันทึกข้อมูลเดียวกันนี้พร้อมกันจากอีกที่หนึ่ง รายการนี้จึงยังไม่ถูกบันทึก กรุณาโหลดข้อมูลใหม่แล้วลองอีกครั้ง",
        en: "The same data was saved from elsewhere at the same moment, so this was not saved; reload and try again.")
}
