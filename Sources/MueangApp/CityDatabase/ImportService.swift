import Fluent
import SQLKit
import Foundation
import NIOConcurrencyHelpers
import Datasets
import Tabular
import ThaiConventions

/// The answer of an import, exactly as the API returns it.
struct ImportResult: Codable, Sendable {
    struct Rejected: Codable, Sendable {
        let row: Int
        let column: String?
        let reason: LocalizedMessage
    }
    var imported = 0
    var updated = 0
    var rejected: [Rejected] = []
}

enum ImportMode: String, Sendable { case allOrNothing = "all_or_nothing", validRows = "valid_rows" }

/// Rows of an uploaded file: the header first, then data rows with their 1-based row numbers
/// (the header is row 1).
/// One import reads its source from one task at a time.
protocol RowSource: AnyObject, Sendable {
    func header() throws -> [String]
    func next() throws -> (number: Int, cells: [String])?
}

final class CSVRowSource: RowSource, @unchecked Sendable {
    let reader: CSVReader
    init(url: URL) throws { reader = try CSVReader(url: url) }
    func header() throws -> [String] {
        guard let row = try reader.next() else {
            throw AppError.invalid(th: "ไฟล์ว่างเปล่า ไม่มีแถวหัวตาราง", en: "The file is empty: there is no header row.")
        }
        return row.fields
    }
    func next() throws -> (number: Int, cells: [String])? {
        while let row = try reader.next() {
            if row.isBlank { continue }
            return (row.number, row.fields)
        }
        return nil
    }
}

/// Progress of running jobs, kept in memory: an import writes inside one transaction, which
/// the job's own row cannot report from until it commits.
final class JobRegistry: Sendable {
    private let progress = NIOLockedValueBox<[UUID: Double]>([:])
    func set(_ id: UUID, _ value: Double) { progress.withLockedValue { $0[id] = value } }
    func get(_ id: UUID) -> Double? { progress.withLockedValue { $0[id] } }
    func finish(_ id: UUID) { progress.withLockedValue { $0[id] = nil } }
}

/// Reads a file into a dataset: every row validated exactly as the API validates a record,
/// every rejected row reported, and all of it in one transaction, so a failure half-way (a
/// killed process, a full disk) leaves the dataset as it was.
struct ImportService: Sendable {
    let service: DatasetService

    func run(_ d: Dataset, source: any RowSource, mode: ImportMode, keyField: String?, mapping chosen: [String?]? = nil,
             progress: (@Sendable (Double) -> Void)? = nil, estimatedRows: Int = 0) async throws -> ImportResult {
        let schema = try DatasetService.schema(of: d)
        let header = try source.header()
        let mapping = try chosen.map { try Self.checked($0, header: header, schema) } ?? Self.mapColumns(header, schema)
        guard mapping.contains(where: { $0 != nil }) else {
            throw AppError.invalid(th: "ไม่มีคอลัมน์ใดตรงกับช่องของชุดข้อมูล (ใช้ชื่อช่องหรือป้ายชื่อเป็นหัวตาราง)",
                                   en: "No column matches a field of the dataset (use the field keys or labels as headers).")
        }
        if let keyField {
            guard let f = schema.field(keyField), !f.archived else {
                throw AppError.invalid(th: "ไม่มีช่อง \(keyField) สำหรับจับคู่", en: "No field \(keyField) to match rows by.")
            }
            guard mapping.contains(keyField) else {
                throw AppError.invalid(th: "ไฟล์ไม่มีคอลัมน์ \(keyField) สำหรับจับคู่", en: "The file has no \(keyField) column to match rows by.")
            }
        }
        let validator = RecordValidator(schema: schema)
        let did = try d.requireID()
        let actor = service.actor
        let uniqueFields = validator.uniqueFields

        return try await service.scope.transaction { tx in
            var result = ImportResult()
            let writer = DatasetService(scope: tx, actor: actor)
            // Keys already used in the dataset, and those this file adds, for unique checks in memory.
            var used: [String: [String: UUID]] = [:]
            for key in uniqueFields { used[key] = [:] }
            if !uniqueFields.isEmpty {
                for k in try await tx.query(RecordKey.self).filter(\.$datasetID == did).all() { used[k.fieldKey]?[k.valueKey] = k.recordID }
            }
            var batch: [NewRow] = []
            var rowsSeen = 0
            let now = Date()
            let bulk = BulkWriter(db: tx.db, tenantID: tx.tenantID, datasetID: did, actor: actor, at: now)
            // The write of the previous batch runs while the next rows are validated; every other
            // use of the transaction waits for it first.
            var pending: Task<Void, any Error>?

            func settle() async throws {
                if let p = pending { pending = nil; try await p.value }
            }
            func flush() async throws {
                try await settle()
                guard !batch.isEmpty else { return }
                let rows = batch
                batch.removeAll(keepingCapacity: true)
                var keys: [RecordKey] = []
                for row in rows {
                    for key in uniqueFields {
                        guard let value = row.values[key], !value.isNull else { continue }
                        let k = RecordKey()
                        k.tenantID = tx.tenantID; k.datasetID = did; k.fieldKey = key; k.valueKey = SearchText.compactKey(value.text); k.recordID = row.id
                        keys.append(k)
                    }
                }
                pending = Task {
                    try await bulk.write(rows)
                    if !keys.isEmpty { try await keys.create(on: tx.db) }
                }
            }

            do {
                while true {
                    // Read a chunk, then validate, encode and normalise its rows on every core.
                    var chunk: [(number: Int, cells: [String])] = []
                    chunk.reserveCapacity(Self.chunkSize)
                    while chunk.count < Self.chunkSize, let row = try source.next() { chunk.append(row) }
                    if chunk.isEmpty { break }
                    let prepared = try await Self.prepare(chunk, mapping: mapping, validator: validator, schema: schema)

                    for p in prepared {
                        rowsSeen += 1
                        let validation = p.validation
                        var errors = validation.errors
                        // Unique values: against the dataset and against earlier rows of this file.
                        var existingID: UUID?
                        if let keyField, let keyValue = validation.values[keyField], !keyValue.isNull {
                            existingID = used[keyField]?[SearchText.compactKey(keyValue.text)]
                        }
                        if errors.isEmpty {
                            for key in uniqueFields {
                                guard let value = validation.values[key], !value.isNull, let owner = used[key]?[SearchText.compactKey(value.text)] else { continue }
                                if owner != existingID, let field = schema.field(key) {
                                    errors.append(FieldError(field, .init(th: "ค่า \(value.text) ซ้ำกับระเบียนอื่นหรือแถวก่อนหน้า", en: "\(value.text) duplicates another record or an earlier row")))
                                }
                            }
                        }
                        if errors.isEmpty {
                            let refs = validator.references(in: validation.values)
                            if !refs.isEmpty {
                                try await settle()
                                errors += try await writer.checkDatabaseRules(d, schema, validation.values, recordID: existingID).filter { e in refs.contains { $0.field == e.field } }
                            }
                        }
                        if !errors.isEmpty {
                            for e in errors { result.rejected.append(.init(row: p.number, column: e.field, reason: e.message)) }
                        } else if mode == .allOrNothing && !result.rejected.isEmpty {
                            // keep validating, write nothing more
                        } else if let existingID {
                            try await flush()
                            try await settle()
                            let r = try await writer.record(d, existingID)
                            let merged = validator.validate(.text(p.texts), existing: try DatasetService.values(r, schema))
                            _ = try await writer.save(d, schema, r, values: merged.values, deleted: false, action: "import", at: now)
                            result.updated += 1
                        } else {
                            let id = UUID()
                            for key in uniqueFields {
                                if let v = validation.values[key], !v.isNull { used[key]?[SearchText.compactKey(v.text)] = id }
                            }
                            batch.append(NewRow(id: id, versionID: UUID(), json: try p.encoded.get(), search: p.search, values: uniqueFields.isEmpty ? [:] : validation.values))
                            result.imported += 1
                            if batch.count >= bulk.batchSize { try await flush() }
                        }
                        if rowsSeen % 2000 == 0, let progress, estimatedRows > 0 { progress(min(0.99, Double(rowsSeen) / Double(estimatedRows))) }
                    }
                }
                if mode == .allOrNothing && !result.rejected.isEmpty {
                    // Throwing rolls the transaction back: nothing of this file stays.
                    throw RolledBack(result: ImportResult(imported: 0, updated: 0, rejected: result.rejected))
                }
                try await flush()
                try await settle()
            } catch {
                // Never leave a write running on a transaction that is being rolled back.
                if let p = pending { pending = nil; _ = try? await p.value }
                throw error
            }
            return result
        }
    }

    /// Rows read, then validated in parallel, per step.
    static let chunkSize = 8192

    /// A row validated off the import's task: its values, and for a valid row its stored JSON
    /// and search text (computed here, where every core can share the work).
    struct Prepared: Sendable {
        let number: Int
        let texts: [String: String]
        let validation: RecordValidation
        let encoded: Result<String, any Error>
        let search: String
    }

    static func prepare(_ rows: [(number: Int, cells: [String])], mapping: [String?], validator: RecordValidator,
                        schema: DatasetSchema) async throws -> [Prepared] {
        @Sendable func one(_ row: (number: Int, cells: [String])) -> Prepared {
            var texts: [String: String] = [:]
            for (i, field) in mapping.enumerated() { if let field, i < row.cells.count { texts[field] = row.cells[i] } }
            let validation = validator.validate(.text(texts))
            guard validation.errors.isEmpty else {
                return Prepared(number: row.number, texts: texts, validation: validation, encoded: .success(""), search: "")
            }
            return Prepared(number: row.number, texts: texts, validation: validation,
                            encoded: Result { try DatasetService.encode(validation.values, schema) },
                            search: DatasetService.searchText(validation.values))
        }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        if workers == 1 || rows.count < 256 { return rows.map(one) }
        let slice = (rows.count + workers - 1) / workers
        return try await withThrowingTaskGroup(of: (Int, [Prepared]).self) { group in
            for w in 0..<workers {
                let lo = w * slice, hi = min(rows.count, lo + slice)
                guard lo < hi else { continue }
                let part = Array(rows[lo..<hi])
                group.addTask { (w, part.map(one)) }
            }
            var parts = [[Prepared]](repeating: [], count: workers)
            for try await (w, part) in group { parts[w] = part }
            return parts.flatMap { $0 }
        }
    }

    /// A new record of the import, ready to store with its first version.
    struct NewRow: Sendable {
        let id: UUID
        let versionID: UUID
        let json: String
        let search: String
        let values: RecordValues
    }

    /// Stores new records and their version-1 rows in bulk, with the same column values the
    /// models would write (`DatasetRecord`, `RecordVersion`), through SQL binds rather than one
    /// model at a time: on PostgreSQL one statement per batch fed by arrays, on SQLite
    /// multi-row INSERTs.
    struct BulkWriter: Sendable {
        let db: any Database
        let tenantID: UUID
        let datasetID: UUID
        let actor: String
        let at: Date

        var isPostgres: Bool { (db as? any SQLDatabase).map { JSONPath.isPostgres($0) } ?? false }
        var batchSize: Int { isPostgres ? 5000 : 1000 }

        func write(_ rows: [NewRow]) async throws {
            guard !rows.isEmpty else { return }
            guard let sql = db as? any SQLDatabase else {
                try await fluentWrite(rows)
                return
            }
            if JSONPath.isPostgres(sql) {
                let query: SQLQueryString = """
                    WITH t AS MATERIALIZED (SELECT * FROM unnest(\(bind: rows.map(\.id)), \(bind: rows.map(\.versionID)), \(bind: rows.map(\.json)), \(bind: rows.map(\.search))) AS t(rid, vid, j, s)),
                    r AS (INSERT INTO dataset_records (id, tenant_id, dataset_id, version, values_json, search_text, created_at, updated_at, updated_by)
                          SELECT rid, \(bind: tenantID), \(bind: datasetID), 1, j, s, \(bind: at), \(bind: at), \(bind: actor) FROM t)
                    INSERT INTO record_versions (id, tenant_id, dataset_id, record_id, version, action, values_json, deleted, actor, at)
                    SELECT vid, \(bind: tenantID), \(bind: datasetID), rid, 1, 'import', j, \(bind: false), \(bind: actor), \(bind: at) FROM t
                    """
                try await sql.raw(query).run()
                return
            }
            // SQLite: at most 200 rows (about 2,000 binds) per statement.
            var start = 0
            while start < rows.count {
                let part = rows[start..<min(rows.count, start + 200)]
                start += part.count
                var records: SQLQueryString = "INSERT INTO dataset_records (id, tenant_id, dataset_id, version, values_json, search_text, created_at, updated_at, updated_by) VALUES "
                var versions: SQLQueryString = "INSERT INTO record_versions (id, tenant_id, dataset_id, record_id, version, action, values_json, deleted, actor, at) VALUES "
                for (i, row) in part.enumerated() {
                    if i > 0 { records.appendLiteral(", "); versions.appendLiteral(", ") }
                    records.appendLiteral("(")
                    records.appendInterpolation(binds: [row.id, tenantID, datasetID, 1, row.json, row.search, at, at, actor])
                    records.appendLiteral(")")
                    versions.appendLiteral("(")
                    versions.appendInterpolation(binds: [row.versionID, tenantID, datasetID, row.id, 1, "import", row.json, false, actor, at])
                    versions.appendLiteral(")")
                }
                try await sql.raw(records).run()
                try await sql.raw(versions).run()
            }
        }

        /// The models, for a database without SQL.
        func fluentWrite(_ rows: [NewRow]) async throws {
            var records: [DatasetRecord] = [], versions: [RecordVersion] = []
            for row in rows {
                let r = DatasetRecord()
                r.id = row.id; r.tenantID = tenantID; r.datasetID = datasetID; r.version = 1
                r.valuesJSON = row.json; r.searchText = row.search
                r.createdAt = at; r.updatedAt = at; r.updatedBy = actor
                records.append(r)
                let v = RecordVersion()
                v.id = row.versionID; v.tenantID = tenantID; v.datasetID = datasetID; v.recordID = row.id; v.version = 1; v.action = "import"
                v.valuesJSON = row.json; v.deleted = false; v.actor = actor; v.at = at
                versions.append(v)
            }
            try await records.create(on: db)
            try await versions.create(on: db)
        }
    }

    /// Raised inside the transaction to undo an all-or-nothing import that had rejects.
    struct RolledBack: Error, Sendable { let result: ImportResult }

    /// A mapping chosen by a person: one entry per column, each a field at most once.
    static func checked(_ mapping: [String?], header: [String], _ schema: DatasetSchema) throws -> [String?] {
        let keys = mapping.compactMap { $0 }
        guard Set(keys).count == keys.count, keys.allSatisfy({ schema.field($0).map { !$0.archived } ?? false }) else {
            throw AppError.invalid(th: "การจับคู่คอลัมน์ไม่ถูกต้อง: แต่ละช่องใช้ได้ครั้งเดียว", en: "Invalid column mapping: each field may be used once.")
        }
        return (0..<header.count).map { $0 < mapping.count ? mapping[$0] : nil }
    }

    /// Columns matched by field key or label (Thai or English), as the schema suggests.
    static func mapColumns(_ header: [String], _ schema: DatasetSchema) -> [String?] {
        schema.suggestColumnMapping(headers: header)
    }
}
