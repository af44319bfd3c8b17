import Foundation
import FluentSQLiteDriver
import NIOConcurrencyHelpers
import VaporCSQLite

/// Many new rows through SQLite's own C interface, on the connection of the import's
/// transaction: one statement prepared per table, bound straight from the import kernel's
/// bytes (SQLite reads them in place while it steps), stepped and reset per row. SQLiteNIO
/// parses every statement anew and binds each value through a `SQLiteData`, which for a
/// million rows cost more than SQLite's own work of storing them.
struct SQLiteBulk: @unchecked Sendable {
    /// The connection's `sqlite3` handle. SQLiteNIO opens its connections in serialized mode
    /// (`SQLITE_OPEN_FULLMUTEX`), so this thread may use it; the import runs nothing else on
    /// its transaction while a write is under way.
    let handle: OpaquePointer

    /// The handle of `db`'s connection (a transaction's own inside one), when it is SQLite.
    static func on(_ db: any Database) async throws -> SQLiteBulk? {
        guard let lite = db as? any SQLiteDatabase else { return nil }
        let found = try await lite.withConnection { connection in
            connection.eventLoop.makeSucceededFuture(Found(raw: Self.handle(of: connection)))
        }.get()
        return found.raw.map(SQLiteBulk.init)
    }

    private struct Found: @unchecked Sendable { let raw: OpaquePointer? }

    /// SQLiteNIO keeps the handle to itself (`SQLiteConnection.handle.raw`): it is read by
    /// reflection, and is nil if that shape changes (imports then go the usual way, and the
    /// kernel test, which expects the kernel to write, fails).
    static func handle(of connection: SQLiteConnection) -> OpaquePointer? {
        guard let wrapper = Mirror(reflecting: connection).descendant("handle") else { return nil }
        return Mirror(reflecting: wrapper).descendant("raw") as? OpaquePointer
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// SQLite's result code, when SQLite gave one.
        var code: Int32 = SQLITE_ERROR
        /// SQLITE_FULL: the disk (or the database's size limit) is full.
        var isStorageFull: Bool { code & 0xFF == SQLITE_FULL }
    }

    /// A prepared statement, finalized with its owner.
    final class Statement {
        let raw: OpaquePointer
        let db: OpaquePointer

        init(_ sql: String, on db: OpaquePointer) throws {
            var statement: OpaquePointer?
            let rc = sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &statement, nil)
            guard rc == SQLITE_OK, let statement else { throw Failure(description: SQLiteBulk.message(db, rc), code: rc) }
            self.raw = statement
            self.db = db
        }

        deinit { sqlite_nio_sqlite3_finalize(raw) }

        /// Bytes bound in place: they must stay as they are until the next `step`.
        func text(_ i: Int32, _ bytes: UnsafeRawPointer, count: Int) {
            _ = sqlite_nio_sqlite3_bind_text(raw, i, bytes.assumingMemoryBound(to: CChar.self), Int32(count), nil)
        }

        /// A text SQLite copies (for the values every row repeats).
        func text(_ i: Int32, copying text: String) {
            _ = sqlite_nio_sqlite3_bind_text(raw, i, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }

        func integer(_ i: Int32, _ value: Int64) { _ = sqlite_nio_sqlite3_bind_int64(raw, i, value) }
        func real(_ i: Int32, _ value: Double) { _ = sqlite_nio_sqlite3_bind_double(raw, i, value) }
        func null(_ i: Int32) { _ = sqlite_nio_sqlite3_bind_null(raw, i) }

        /// Runs the statement with its bindings, then readies it for the next row (bindings
        /// stay until they are replaced).
        func step() throws {
            let rc = sqlite_nio_sqlite3_step(raw)
            sqlite_nio_sqlite3_reset(raw)
            guard rc == SQLITE_DONE else { throw Failure(description: SQLiteBulk.message(db, rc), code: rc) }
        }
    }

    func prepare(insertInto table: String, columns: [String]) throws -> Statement {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return try Statement("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))", on: handle)
    }

    // MARK: Checkpoint

    /// Leaves the checkpoint of the transaction this connection commits next to a thread of its
    /// own. SQLite checkpoints by default in the commit that fills the log past 1,000 pages: for
    /// a large import that copies every page a second time into the database file, and waits
    /// for it, after the data is already safe in the log (written and synced by the commit).
    /// PostgreSQL leaves the same work to its checkpointer; so does this, once: the commit
    /// returns, a connection of the checkpoint's own copies the log into the database file
    /// while readers and writers carry on, and this connection checkpoints as usual again.
    func checkpointInBackgroundAfterCommit() {
        _ = sqlite_nio_sqlite3_wal_hook(handle, { _, db, _, pages in
            sqlite_nio_sqlite3_wal_autocheckpoint(db, 1000)
            if pages >= 1000, let db, let name = sqlite_nio_sqlite3_db_filename(db, "main"), name.pointee != 0 {
                let path = String(cString: name)
                Thread.detachNewThread { SQLiteBulk.checkpoint(path) }
            }
            return SQLITE_OK
        }, nil)
    }

    /// Checkpoints done on connections of their own (after a large import, at start), by
    /// database file (tests: one test's count must not move with another's imports).
    static let backgroundCheckpoints = NIOLockedValueBox<[String: Int]>([:])

    /// Copies the log into the database file and empties it, as the background checkpoint does
    /// and waiting for no one: at start, for what a process stopped before its checkpoint left.
    /// (Through SQLiteNIO's connections, whose busy handler waits for ever, emptying the log
    /// would wait for every reader, a backup's long read included, and hold back all writers
    /// meanwhile.)
    static func emptyLog(_ path: String) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { checkpoint(path); done.resume() }
        }
    }

    private static func checkpoint(_ path: String) {
        var db: OpaquePointer?
        defer {
            sqlite_nio_sqlite3_close(db)
            backgroundCheckpoints.withLockedValue { $0[path, default: 0] += 1 }
        }
        guard sqlite_nio_sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nil) == SQLITE_OK else { return }
        // Passive: never waits for readers or writers; a later checkpoint finishes what is left.
        // (Through a statement: a new connection learns the database is in WAL mode only
        // once it reads it, and `sqlite3_wal_checkpoint_v2` alone does nothing before that.)
        _ = sqlite_nio_sqlite3_exec(db, "PRAGMA wal_checkpoint(PASSIVE)", nil, nil, nil)
        // Then the log file is cut back to nothing, if no one is reading from it (this
        // connection has no busy handler: it waits for no one, and the cut is left undone).
        // Kept at its gigabyte, the log is written over from its start by the next large
        // import, and each of its pages the system has dropped from memory is read back from
        // disk before it is written: a second million-row import took 26-30 s, not 7 s.
        _ = sqlite_nio_sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil)
    }

    static func message(_ db: OpaquePointer, _ rc: Int32) -> String {
        "SQLite error \(rc): " + (sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "")
    }

    /// Runs SQLite's synchronous work on a thread of its own, off Swift's cooperative threads.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
