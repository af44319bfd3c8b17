import Foundation
import FluentSQLiteDriver
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
    }

    /// A prepared statement, finalized with its owner.
    final class Statement {
        let raw: OpaquePointer
        let db: OpaquePointer

        init(_ sql: String, on db: OpaquePointer) throws {
            var statement: OpaquePointer?
            let rc = sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &statement, nil)
            guard rc == SQLITE_OK, let statement else { throw Failure(description: SQLiteBulk.message(db, rc)) }
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
            guard rc == SQLITE_DONE else { throw Failure(description: SQLiteBulk.message(db, rc)) }
        }
    }

    func prepare(insertInto table: String, columns: [String]) throws -> Statement {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        return try Statement("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))", on: handle)
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

    /// A UUID as Fluent stores it on SQLite (`uuidString`: upper-case hex in 8-4-4-4-12), the
    /// 36 bytes written at `out`.
    static func writeUUIDText(_ bytes: UnsafeRawPointer, into out: UnsafeMutablePointer<UInt8>) {
        let digits: StaticString = "0123456789ABCDEF"
        var o = 0
        for k in 0..<16 {
            if k == 4 || k == 6 || k == 8 || k == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
            let b = bytes.load(fromByteOffset: k, as: UInt8.self)
            out[o] = digits.utf8Start[Int(b >> 4)]
            out[o + 1] = digits.utf8Start[Int(b & 0x0F)]
            o += 2
        }
    }
}
