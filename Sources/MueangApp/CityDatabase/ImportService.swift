import Fluent
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

        return try await service.scope.transaction { tx in
            var result = ImportResult()
            let writer = DatasetService(scope: tx, actor: actor)
            // Keys already used in the dataset, and those this file adds, for unique checks in memory.
            var used: [String: [String: UUID]] = [:]
            for key in validator.uniqueFields { used[key] = [:] }
            if !validator.uniqueFields.isEmpty {
                for k in try await tx.query(RecordKey.self).filter(\.$datasetID == did).all() { used[k.fieldKey]?[k.valueKey] = k.recordID }
            }
            var batch: [(DatasetRecord, RecordValues)] = []
            var rowsSeen = 0
            let now = Date()

            func flush() async throws {
                guard !batch.isEmpty else { return }
                let records = batch.map(\.0)
                try await records.create(on: tx.db)
                var versions: [RecordVersion] = []
                var keys: [RecordKey] = []
                for (r, values) in batch {
                    let v = RecordVersion()
                    v.tenantID = tx.tenantID; v.datasetID = did; v.recordID = try r.requireID(); v.version = 1; v.action = "import"
                    v.valuesJSON = r.valuesJSON; v.deleted = false; v.actor = actor; v.at = now
                    versions.append(v)
                    for key in validator.uniqueFields {
                        guard let value = values[key], !value.isNull else { continue }
                        let k = RecordKey()
                        k.tenantID = tx.tenantID; k.datasetID = did; k.fieldKey = key; k.valueKey = SearchText.compactKey(value.text); k.recordID = try r.requireID()
                        keys.append(k)
                    }
                }
                try await versions.create(on: tx.db)
                if !keys.isEmpty { try await keys.create(on: tx.db) }
                batch.removeAll(keepingCapacity: true)
            }

            while let (number, cells) = try source.next() {
                rowsSeen += 1
                var texts: [String: String] = [:]
                for (i, field) in mapping.enumerated() { if let field, i < cells.count { texts[field] = cells[i] } }
                let validation = validator.validate(.text(texts))
                var errors = validation.errors
                // Unique values: against the dataset and against earlier rows of this file.
                var existingID: UUID?
                if let keyField, let keyValue = validation.values[keyField], !keyValue.isNull {
                    existingID = used[keyField]?[SearchText.compactKey(keyValue.text)]
                }
                if errors.isEmpty {
                    for key in validator.uniqueFields {
                        guard let value = validation.values[key], !value.isNull, let owner = used[key]?[SearchText.compactKey(value.text)] else { continue }
                        if owner != existingID, let field = schema.field(key) {
                            errors.append(FieldError(field, .init(th: "ค่า \(value.text) ซ้ำกับระเบียนอื่นหรือแถวก่อนหน้า", en: "\(value.text) duplicates another record or an earlier row")))
                        }
                    }
                }
                if errors.isEmpty {
                    let refs = validator.references(in: validation.values)
                    if !refs.isEmpty { errors += try await writer.checkDatabaseRules(d, schema, validation.values, recordID: existingID).filter { e in refs.contains { $0.field == e.field } } }
                }
                if !errors.isEmpty {
                    for e in errors { result.rejected.append(.init(row: number, column: e.field, reason: e.message)) }
                    continue
                }
                if mode == .allOrNothing && !result.rejected.isEmpty { continue }   // keep validating, write nothing more
                if let existingID {
                    try await flush()
                    let r = try await writer.record(d, existingID)
                    let merged = validator.validate(.text(texts), existing: try DatasetService.values(r, schema))
                    _ = try await writer.save(d, schema, r, values: merged.values, deleted: false, action: "import", at: now)
                    result.updated += 1
                } else {
                    let r = DatasetRecord()
                    let id = UUID()
                    r.id = id; r.tenantID = tx.tenantID; r.datasetID = did; r.version = 1
                    r.valuesJSON = try DatasetService.encode(validation.values, schema)
                    r.searchText = DatasetService.searchText(validation.values)
                    r.createdAt = now; r.updatedAt = now; r.updatedBy = actor
                    for key in validator.uniqueFields {
                        if let v = validation.values[key], !v.isNull { used[key]?[SearchText.compactKey(v.text)] = id }
                    }
                    batch.append((r, validation.values))
                    result.imported += 1
                    if batch.count >= 500 { try await flush() }
                }
                if rowsSeen % 2000 == 0, let progress, estimatedRows > 0 { progress(min(0.99, Double(rowsSeen) / Double(estimatedRows))) }
            }
            if mode == .allOrNothing && !result.rejected.isEmpty {
                // Throwing rolls the transaction back: nothing of this file stays.
                throw RolledBack(result: ImportResult(imported: 0, updated: 0, rejected: result.rejected))
            }
            try await flush()
            return result
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
