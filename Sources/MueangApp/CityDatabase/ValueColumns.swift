import Fluent
import SQLKit
import FluentSQLiteDriver
import Foundation
import Datasets

/// A dataset's live records as a plain typed table, one per dataset (`dataset_columns_<id>`):
/// a row per live record, a column per active field, integers and decimals as numbers and every
/// other value as its text. It is derived from `dataset_records` and written in the same
/// transaction as every change, so a group-by runs on it as on a hand-made table instead of
/// parsing each record's JSON. It can be dropped and rebuilt from the records at any time.
struct ValueColumns: Sendable {
    let sql: any SQLDatabase
    let datasetID: UUID
    let fields: [FieldDefinition]
    /// Bulk inserts bound directly, on SQLite.
    let lite: SQLiteRows?

    init?(_ db: any Database, datasetID: UUID, schema: DatasetSchema) {
        guard let sql = db as? any SQLDatabase else { return nil }
        self.sql = sql
        self.lite = SQLiteRows.on(db)
        self.datasetID = datasetID
        self.fields = schema.activeFields
    }

    static let tablePrefix = "dataset_columns_"

    var table: String { Self.table(of: datasetID) }
    static func table(of datasetID: UUID) -> String { tablePrefix + PostgresCopy.hex(datasetID) }
    var isPostgres: Bool { JSONPath.isPostgres(sql) }

    /// Columns are named by the field's position (`c0`, `c1`, ...), not its key: a key may be as
    /// long as an identifier may be, and the table is rebuilt whenever the fields change.
    var columns: [String] { fields.indices.map { "c\($0)" } }

    func column(_ key: String) -> String? { fields.firstIndex { $0.key == key }.map { "c\($0)" } }

    enum Kind { case integer, decimal, text }
    static func kind(_ type: FieldType) -> Kind {
        switch type {
        case .integer: .integer
        case .decimal: .decimal
        default: .text
        }
    }

    func sqlType(_ kind: Kind) -> String {
        switch kind {
        case .integer: isPostgres ? "BIGINT" : "INTEGER"
        case .decimal: isPostgres ? "NUMERIC" : "REAL"
        case .text: "TEXT"
        }
    }

    // MARK: Table

    /// On PostgreSQL a record's row is found through a BRIN index rather than a primary key:
    /// record ids are time-ordered and rows are written in id order, so a summary per block range
    /// finds a row almost as directly, and a million-row import does not pay for a B-tree (a
    /// third of this table's cost). SQLite keys the table by the record id.
    func create() async throws {
        var columns = [isPostgres ? "record_id UUID NOT NULL" : "record_id BLOB PRIMARY KEY"]
        for (name, f) in zip(self.columns, fields) { columns.append("\(name) \(sqlType(Self.kind(f.type)))") }
        try await sql.raw("CREATE TABLE \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", ")))").run()
        if isPostgres { try await sql.raw("CREATE INDEX \(unsafeRaw: table)_record ON \(unsafeRaw: table) USING brin (record_id)").run() }
    }

    func drop() async throws {
        try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run()
    }

    func exists() async throws -> Bool {
        struct Row: Decodable { let n: Int }
        let query: SQLQueryString = isPostgres
            ? "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(bind: table)"
            : "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
        return try await sql.raw(query).first(decoding: Row.self)?.n ?? 0 > 0
    }

    /// Drops the table and fills a new one from the dataset's live records, a page at a time.
    func rebuild() async throws {
        try await drop()
        try await create()
        struct Row: Decodable { let id: UUID; let values_json: String }
        let schema = DatasetSchema(fields: fields)
        var after: UUID?
        while true {
            var query: SQLQueryString = "SELECT id, values_json FROM dataset_records WHERE dataset_id = \(bind: datasetID) AND deleted_at IS NULL"
            if let after { query.appendInterpolation(" AND id > \(bind: after)" as SQLQueryString) }
            query.appendLiteral(" ORDER BY id LIMIT 2000")
            let rows = try await sql.raw(query).all(decoding: Row.self)
            guard let last = rows.last else { return }
            try await insert(rows.map { ($0.id, try schema.decodeValues(fromJSON: $0.values_json)) })
            after = last.id
        }
    }

    /// Every dataset's table, rebuilt (after a migration or a restore from backup).
    static func rebuildAll(on db: any Database) async throws {
        for d in try await Dataset.query(on: db).all() {
            try await ValueColumns(db, datasetID: try d.requireID(), schema: try DatasetService.schema(of: d))?.rebuild()
        }
    }

    /// Builds the table where it is missing (a dataset made before it existed).
    func ensure() async throws {
        if try await !exists() { try await rebuild() }
    }

    // MARK: Rows

    /// Writes the current values of live records, replacing their rows.
    func put(_ rows: [(id: UUID, values: RecordValues)]) async throws {
        try await remove(rows.map(\.id))
        try await insert(rows)
    }

    func remove(_ ids: [UUID]) async throws {
        for chunk in ids.chunks(of: 500) {
            try await sql.raw("DELETE FROM \(unsafeRaw: table) WHERE record_id IN (\(binds: Array(chunk)))").run()
        }
    }

    /// New rows, in multi-row INSERTs of at most about 2,000 binds.
    func insert(_ rows: [(id: UUID, values: RecordValues)]) async throws {
        guard !rows.isEmpty else { return }
        if let lite {
            try await lite.insert(into: table, columns: ["record_id"] + columns, count: rows.count) { i, binds in
                binds.append(SQLiteRows.uuid(rows[i].id))
                for f in fields { binds.append(Self.sqliteValue(f, rows[i].values[f.key])) }
            }
            return
        }
        let names = (["record_id"] + columns).joined(separator: ", ")
        let perStatement = max(1, 2000 / (fields.count + 1))
        var start = 0
        while start < rows.count {
            let part = rows[start..<min(rows.count, start + perStatement)]
            start += part.count
            var query: SQLQueryString = "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: names)) VALUES "
            for (i, row) in part.enumerated() {
                query.appendLiteral(i == 0 ? "(" : ", (")
                query.appendInterpolation(bind: row.id)
                for f in fields {
                    query.appendLiteral(", ")
                    query.appendInterpolation(cell(f, row.values[f.key]))
                }
                query.appendLiteral(")")
            }
            try await sql.raw(query).run()
        }
    }

    /// New rows streamed with PostgreSQL's COPY.
    /// `texts`, when given, are the rows' `copyText`s already made (by the import's plan).
    func copy(_ rows: [(id: UUID, values: RecordValues, texts: [String?]?)], with copy: PostgresCopy) async throws {
        try await copy.copy(into: table, columns: ["record_id"] + columns, count: rows.count) { i, line in
            self.line(rows[i].id, rows[i].values, rows[i].texts, &line)
        }
    }

    /// A row's COPY line (without its end).
    func line(_ id: UUID, _ values: RecordValues, _ texts: [String?]?, _ line: inout PostgresCopy.Line) {
        line.field(id: id)
        if let texts, texts.count == fields.count {
            for text in texts { line.field(text) }
        } else {
            for f in fields { line.field(Self.copyText(f, values[f.key])) }
        }
    }

    /// A value as its column holds it: numbers as numbers, the rest as `FieldValue.text`; nil
    /// for an absent value (NULL).
    enum Stored { case integer(Int64), decimal(Decimal), text(String) }

    static func stored(_ field: FieldDefinition, _ value: FieldValue?) -> Stored? {
        guard let value, !value.isNull else { return nil }
        switch (kind(field.type), value) {
        case (.integer, .integer(let n)): return .integer(n)
        case (.decimal, .decimal(let d)): return .decimal(d)
        case (.decimal, .integer(let n)): return .decimal(Decimal(n))
        default: return .text(value.text)
        }
    }

    /// The value bound for an INSERT (PostgreSQL's NUMERIC from the exact decimal text).
    func cell(_ field: FieldDefinition, _ value: FieldValue?) -> SQLQueryString {
        switch Self.stored(field, value) {
        case nil: return "NULL"
        case .integer(let n): return "\(bind: n)"
        case .decimal(let d): return isPostgres ? "CAST(\(bind: d.description) AS NUMERIC)" : "\(bind: Self.real(d))"
        case .text(let s): return "\(bind: s)"
        }
    }

    /// The value bound on SQLite, as `cell` binds it (a decimal as a REAL).
    static func sqliteValue(_ field: FieldDefinition, _ value: FieldValue?) -> SQLiteData {
        switch stored(field, value) {
        case nil: .null
        case .integer(let n): .integer(Int(n))
        case .decimal(let d): .float(real(d))
        case .text(let s): .text(s)
        }
    }

    /// A decimal as SQLite's REAL column keeps it: the double nearest its exact digits, read
    /// from its text as the import kernel reads that text.
    static func real(_ d: Decimal) -> Double {
        Double(d.description) ?? NSDecimalNumber(decimal: d).doubleValue
    }

    /// The text a cell is written as by PostgreSQL's COPY (text format): numbers as their exact
    /// digits, nil for NULL.
    static func copyText(_ field: FieldDefinition, _ value: FieldValue?) -> String? {
        switch stored(field, value) {
        case nil: nil
        case .integer(let n): String(n)
        case .decimal(let d): d.description
        case .text(let s): s
        }
    }

    // MARK: Reading

    struct Group: Sendable { let group: String?; let count: Int; let sum: Double? }

    /// Count (and sum) of the live records per value of `group`.
    func groups(by group: FieldDefinition, sum: FieldDefinition?) async throws -> [Group] {
        guard let g = column(group.key) else { return [] }
        let sumExpr = sum.flatMap { column($0.key) }.map { c in isPostgres ? "sum(\(c))::float8" : "CAST(sum(\(c)) AS REAL)" } ?? "NULL"
        let groupText = isPostgres ? "\(g)::text" : "CAST(\(g) AS TEXT)"
        struct Row: Decodable { let g: String?; let n: Int; let s: Double? }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: groupText) AS g, count(*) AS n, \(unsafeRaw: sumExpr) AS s FROM \(unsafeRaw: table)
            GROUP BY \(unsafeRaw: g) ORDER BY 2 DESC, 1
            """).all(decoding: Row.self)
        return rows.map { Group(group: $0.g, count: $0.n, sum: sum == nil ? nil : ($0.s ?? 0)) }
    }
}
