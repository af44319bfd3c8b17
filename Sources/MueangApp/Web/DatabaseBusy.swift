import Foundation
import Vapor
import SQLKit
import FluentSQLiteDriver
import VaporCSQLite

/// Whether an error says SQLite could not take its lock: SQLITE_BUSY ("database is locked",
/// another connection holds the write lock, or a transaction's snapshot went stale while it
/// waited) or SQLITE_LOCKED, with any of their extended codes. Nothing was written by the
/// statement that got it, and the same request a moment later normally succeeds: a person is
/// told so with a 503 and `Retry-After`, never a 500.
enum DatabaseBusy {
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let e as SQLiteError:
            switch e.reason {
            case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout, .locked, .lockedBySharedCache, .lockedVirtualTable: return true
            default: return false
            }
        case let e as SQLiteBulk.Failure:
            return e.isBusy
        default:
            return false
        }
    }

    /// Seconds a client is asked to wait before it tries again.
    static let retryAfter = 5

    /// How long a request's statement waits for another connection's write lock before it is
    /// refused with SQLITE_BUSY (and the request with a 503).
    ///
    /// SQLiteNIO's own busy handler retries for ever, without sleeping. With WAL on, readers
    /// never wait for a writer, but a request's connection is the only one of its event loop
    /// (FluentSQLiteDriver keeps one per loop), and most requests write a little (a token's or
    /// a session's last use, once a minute): such a write behind a long import spun until the
    /// import committed, holding the connection, and every request on that loop, reads
    /// included, queued behind it until the pool gave up (503) or the import ended.
    /// Bounded, the write gives way; the bookkeeping ones are skipped (`unlessBusy`).
    /// Imports and their jobs wait as long as they must: the jobs' connections keep the default.
    static let requestWait = 3_000   // milliseconds

    /// Sets `requestWait` on the request pool's connection of every event loop (SQLite only;
    /// the connections stay open for the life of the process).
    static func limitRequestWaits(_ app: Application) async throws {
        guard case .sqlite = app.appConfig.database else { return }
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(requestWait))").run()
        }
    }

    /// Runs a write that only keeps records of use (a token's or a session's last use): when the
    /// database is busy with another write, it is left for the next request rather than failing
    /// this one.
    static func unlessBusy(_ write: () async throws -> Void) async throws {
        do { try await write() } catch where matches(error) {}
    }
}

extension SQLiteBulk.Failure {
    /// SQLITE_BUSY or SQLITE_LOCKED (with any extended code).
    var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
}

extension AppError {
    static let databaseBusy = AppError(.serviceUnavailable,
        th: "ระบบกำลังบันทึกข้อมูลจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่",
        en: "The database is busy with a large write; try again in a moment.")
}
