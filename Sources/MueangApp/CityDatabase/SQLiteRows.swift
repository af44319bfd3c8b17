import Foundation
import FluentSQLiteDriver

/// Many new rows for SQLite, in multi-row INSERTs whose values are bound as `SQLiteData`
/// directly: SQLKit's binds go through `Encodable` one value at a time, which in a
/// million-row import costs more than SQLite's own work. Values take the forms Fluent
/// writes, so the models read them back as usual: UUIDs as their text, dates as seconds
/// since 1970.
struct SQLiteRows {
    let db: any SQLiteDatabase

    /// The SQLite connection behind `db` (a transaction's own inside one), when it is SQLite.
    static func on(_ db: any Database) -> SQLiteRows? {
        (db as? any SQLiteDatabase).map(SQLiteRows.init)
    }

    /// Inserts `count` rows, each filled by `row` with exactly one value per column.
    func insert(into table: String, columns: [String], count: Int, row: (Int, inout [SQLiteData]) -> Void) async throws {
        guard count > 0 else { return }
        // SQLite takes at most 32,766 variables per statement; about 2,000 keeps statements small.
        let perStatement = max(1, 2000 / columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        func statement(_ rows: Int) -> String {
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", ")
        }
        let full = statement(min(count, perStatement))
        var binds: [SQLiteData] = []
        binds.reserveCapacity(perStatement * columns.count)
        var start = 0
        while start < count {
            let end = min(count, start + perStatement)
            binds.removeAll(keepingCapacity: true)
            for i in start..<end {
                row(i, &binds)
            }
            assert(binds.count == (end - start) * columns.count, "one value per column")
            _ = try await db.query(end - start == perStatement || end - start == count ? full : statement(end - start), binds)
            start = end
        }
    }

    static func uuid(_ id: UUID) -> SQLiteData { .text(id.uuidString) }
    static func date(_ date: Date) -> SQLiteData { .float(date.timeIntervalSince1970) }
    static func text(_ text: String?) -> SQLiteData { text.map { .text($0) } ?? .null }
}
