import Fluent
import SQLKit
import FluentSQLiteDriver
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
    /// Rows that matched a record by key and gave it the values it already had: no new version.
    var unchanged = 0
    var rejected: [Rejected] = []
    /// Headers of the file's columns that no field took, so nothing is left out unsaid.
    var ignoredColumns: [String] = []

    init(imported: Int = 0, updated: Int = 0, rejected: [Rejected] = [], ignoredColumns: [String] = []) {
        (self.imported, self.updated, self.rejected, self.ignoredColumns) = (imported, updated, rejected, ignoredColumns)
    }

    // Jobs finished before `ignoredColumns` and `unchanged` existed have none in their stored result.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imported = try c.decode(Int.self, forKey: .imported)
        updated = try c.decode(Int.self, forKey: .updated)
        unchanged = try c.decodeIfPresent(Int.self, forKey: .unchanged) ?? 0
        rejected = try c.decode([Rejected].self, forKey: .rejected)
        ignoredColumns = try c.decodeIfPresent([String].self, forKey: .ignoredColumns) ?? []
    }
}

enum ImportMode: String, Sendable { case allOrNothing = "all_or_nothing", validRows = "valid_rows" }

/// Rows of an uploaded file: the header first, then data rows with their 1-based row numbers
/// (the header is row 1).
/// One import reads its source from one task at a time.
protocol RowSource: AnyObject, Sendable {
    func header() throws -> [String]
    func next() throws -> (number: Int, cells: [String])?
}

/// A source whose village columns, written as names or numbers ("หมู่ที่ 1", "บ้านหนองกี่"),
/// are handed on as the villages' ids; a cell no village matches is left for the parser to
/// refuse with its row and column.
final class VillageCells: RowSource, @unchecked Sendable {
    let source: any RowSource
    let columns: [Int]
    let names: VillageNames
    private var known: [String: String] = [:]

    init(_ source: any RowSource, columns: [Int], names: VillageNames) {
        self.source = source; self.columns = columns; self.names = names
    }

    func header() throws -> [String] { try source.header() }

    func next() throws -> (number: Int, cells: [String])? {
        guard var row = try source.next() else { return nil }
        for c in columns where c < row.cells.count && !row.cells[c].isEmpty {
            let text = row.cells[c]
            if let id = known[text] { row.cells[c] = id; continue }
            guard UUID(uuidString: text) == nil, let id = names.id(for: text) else { continue }
            known[text] = id.uuidString
            row.cells[c] = id.uuidString
        }
        return row
    }
}

final class CSVRowSource: RowSource, @unchecked Sendable {
    let reader: CSVReader
    init(url: URL) throws { reader = try CSVReader(url: url) }
    init(reader: CSVReader) { self.reader = reader }
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
    /// How a job of this process ended, kept until its row says so.
    struct Outcome: Sendable { let status: String; let resultJSON: String?; let progress: Double }
    private let progress = NIOLockedValueBox<[UUID: Double]>([:])
    private let outcomes = NIOLockedValueBox<[UUID: Outcome]>([:])
    func set(_ id: UUID, _ value: Double) { progress.withLockedValue { $0[id] = value } }
    func get(_ id: UUID) -> Double? { progress.withLockedValue { $0[id] } }
    /// The job has ended: until `recorded`, it is told from here. (When its row cannot be
    /// written, for example on a full disk, it would otherwise read "running" for ever.)
    func end(_ id: UUID, _ outcome: Outcome) {
        outcomes.withLockedValue { $0[id] = outcome }
        progress.withLockedValue { $0[id] = nil }
    }
    func recorded(_ id: UUID) { outcomes.withLockedValue { $0[id] = nil } }

    /// `job` as it stands: its row, or how it ended if the row does not say so yet.
    func current(_ job: DatasetJob) -> DatasetJob {
        guard let id = job.id, job.status == "running", let o = outcomes.withLockedValue({ $0[id] }) else { return job }
        job.status = o.status; job.resultJSON = o.resultJSON; job.progress = o.progress
        return job
    }
}

/// Reads a file into a dataset: every row validated exactly as the API validates a record,
/// every rejected row reported, and all of it in one transaction, so a failure half-way (a
/// killed process, a full disk) leaves the dataset as it was.
struct ImportService: Sendable {
    let service: DatasetService
    /// Whether plain rows may go through `ImportKernel` (tests compare it with the usual way).
    var allowsKernel = true
    /// Told how many rows the kernel wrote, when it has (tests).
    var kernelWrote: (@Sendable (Int) -> Void)? = nil
    /// Whether rows that update records by key are written in batches (`KeyUpdater`); else
    /// one at a time through `DatasetService.save` (tests compare the two).
    var batchesKeyUpdates = true

    func run(_ d: Dataset, source file: any RowSource, mode: ImportMode, keyField: String?, mapping chosen: [String?]? = nil,
             progress: (@Sendable (Double) -> Void)? = nil, estimatedRows: Int = 0) async throws -> ImportResult {
        let schema = try DatasetService.schema(of: d)
        let header = try file.header()
        let mapping = try chosen.map { try Self.checked($0, header: header, schema) } ?? Self.mapColumns(header, schema)
        let villageColumns = mapping.indices.filter { mapping[$0].flatMap(schema.field)?.type == .village }
        let source = villageColumns.isEmpty ? file : VillageCells(file, columns: villageColumns, names: try await service.villageNames())
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
        let hasReferences = schema.activeFields.contains { $0.type == .reference || $0.type == .village || $0.type == .file }

        let result = try await service.scope.transaction { tx in
            if let sql = tx.db as? any SQLDatabase, !JSONPath.isPostgres(sql) {
                // A large import dirties far more pages than SQLite's default 2 MB cache holds,
                // and its statement journals go to temporary files: keep both in memory (the
                // cache bounded at 64 MB for this connection).
                try await sql.raw("PRAGMA cache_size = -65536").run()
                try await sql.raw("PRAGMA temp_store = MEMORY").run()
            }
            try await DatasetService.holdFields(of: d, on: tx.db)
            var result = ImportResult()
            result.ignoredColumns = header.indices.filter { $0 >= mapping.count || mapping[$0] == nil }.map { header[$0] }
                .filter { !$0.allSatisfy(\.isWhitespace) }
            let writer = DatasetService(scope: tx, actor: actor, fieldsHeld: true)
            // Keys already used in the dataset, and those this file adds, for unique checks in memory.
            var used: [String: [String: UUID]] = [:]
            for key in uniqueFields { used[key] = [:] }
            if !uniqueFields.isEmpty {
                for k in try await tx.query(RecordKey.self).filter(\.$datasetID == did).all() { used[k.fieldKey]?[k.valueKey] = k.recordID }
            }
            var batch: [NewRow] = []
            var rowsSeen = 0
            let now = Date()
            var ids = TimeOrderedIDs(at: now)
            let bulk = BulkWriter(db: tx.db, tenantID: tx.tenantID, datasetID: did, actor: actor, at: now,
                                  columns: try DatasetService.columns(d, schema, on: tx.db), lite: try await SQLiteBulk.on(tx.db))
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
                let keys = uniqueFields.isEmpty ? [] : rows.flatMap {
                    DatasetService.keyRows(validator, $0.values, tenantID: tx.tenantID, datasetID: did, recordID: $0.id)
                }
                pending = Task {
                    try await bulk.write(rows)
                    if !keys.isEmpty { try await keys.create(on: tx.db) }
                }
            }

            // Rows that update existing records by key, written a batch at a time once the
            // new records before them are (a row may update a record an earlier row added).
            var updates: [KeyUpdate] = []
            // The row of this file that first gave each key value: a later row with the same
            // key would overwrite it unseen, so it is refused, naming that row.
            var keyRows: [String: Int] = [:]
            let updater = KeyUpdater(tx: tx, dataset: d, schema: schema, validator: validator, actor: actor, at: now,
                                     columns: bulk.columns, lite: bulk.lite)
            func flushUpdates() async throws {
                guard !updates.isEmpty else { return }
                try await flush()
                try await settle()
                let rows = updates
                updates.removeAll(keepingCapacity: true)
                let same = try await updater.write(rows)
                result.updated -= same
                result.unchanged += same
            }

            var plan = FastPlan(schema: schema, mapping: mapping)
            var checked = 0
            var caches = [FieldCaches](repeating: FieldCaches(), count: max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)))
            // Plain rows of a CSV file: the kernel, once its lines equal the usual
            // way's on the first chunk (read as bytes for that, and taken the usual way).
            let csv = source as? CSVRowSource
            var kernel: ImportKernel?
            var kernelRows = 0
            if allowsKernel, csv != nil, let plan, uniqueFields.isEmpty, keyField == nil, !hasReferences, let format = bulk.kernelFormat {
                let parts = bulk.kernelParts(format)
                kernel = ImportKernel(plan: plan, format: format, middle: parts.middle, tail: parts.tail)
            }
            // (Only as many rows as are compared: the rest of the file goes through the kernel.)
            var firstRecords = kernel == nil ? nil : try csv.map { try Self.readRecords($0, upTo: Self.sampleRows) }

            /// One prepared row, in file order: checked against the dataset's unique values and
            /// references, then rejected, updated, or added to the batch of new records.
            func take(_ p: Prepared) async throws {
                rowsSeen += 1
                let validation = (values: p.values, errors: p.errors)
                var errors = validation.errors
                // Unique values: against the dataset and against earlier rows of this file.
                var existingID: UUID?
                var keyText: String?
                if let keyField, let keyValue = validation.values[keyField], !keyValue.isNull {
                    let compact = SearchText.compactKey(keyValue.text)
                    keyText = compact
                    existingID = used[keyField]?[compact]
                    if errors.isEmpty, let earlier = keyRows[compact], let field = schema.field(keyField) {
                        errors.append(FieldError(field, .init(
                            th: "ค่า \(keyValue.text) ซ้ำกับแถวที่ \(earlier) ของไฟล์นี้ แถวนี้จึงไม่ถูกนำเข้า (แถวที่ \(earlier) ถูกใช้แล้ว)",
                            en: "\(keyValue.text) is the key of row \(earlier) of this file too: this row was not applied (row \(earlier) was)")))
                    }
                }
                if errors.isEmpty {
                    for key in uniqueFields {
                        guard let value = validation.values[key], !value.isNull, let owner = used[key]?[SearchText.compactKey(value.text)] else { continue }
                        if owner != existingID, let field = schema.field(key) {
                            errors.append(FieldError(field, .init(th: "ค่า \(value.text) ซ้ำกับระเบียนอื่นหรือแถวก่อนหน้า", en: "\(value.text) duplicates another record or an earlier row")))
                        }
                    }
                }
                if errors.isEmpty && hasReferences {
                    let refs = validator.references(in: validation.values)
                    if !refs.isEmpty {
                        try await settle()
                        errors += try await writer.checkDatabaseRules(d, schema, validation.values, recordID: existingID).filter { e in refs.contains { $0.field == e.field } }
                    }
                }
                if errors.isEmpty, let keyText { keyRows[keyText] = p.number }
                if !errors.isEmpty {
                    for e in errors { result.rejected.append(.init(row: p.number, column: e.field.isEmpty ? nil : e.field, reason: e.message)) }
                } else if mode == .allOrNothing && !result.rejected.isEmpty {
                    // keep validating, write nothing more
                } else if let existingID {
                    if batchesKeyUpdates {
                        updates.append(KeyUpdate(id: existingID, texts: Self.texts(p.cells, mapping)))
                        result.updated += 1   // until its batch is written and tells which rows changed nothing
                        if updates.count >= Self.updateBatchSize { try await flushUpdates() }
                    } else {
                        try await flush()
                        try await settle()
                        let r = try await writer.record(d, existingID)
                        let merged = validator.validate(.text(Self.texts(p.cells, mapping)), existing: try DatasetService.values(r, schema))
                        let version = r.version
                        if try await writer.save(d, schema, r, values: merged.values, deleted: false, action: "import", at: now).version == version {
                            result.unchanged += 1
                        } else {
                            result.updated += 1
                        }
                    }
                    // The unique values this row gives the record are its own from now on: a
                    // later row with one of them is refused as a duplicate, not left for the
                    // database's unique index to fail the whole import on.
                    for key in uniqueFields where mapping.contains(key) {
                        if let v = validation.values[key], !v.isNull { used[key]?[SearchText.compactKey(v.text)] = existingID }
                    }
                } else {
                    let id = ids.next()
                    for key in uniqueFields {
                        if let v = validation.values[key], !v.isNull { used[key]?[SearchText.compactKey(v.text)] = id }
                    }
                    batch.append(NewRow(id: id, json: try p.encoded.get(), search: p.search, values: validation.values,
                                       columnTexts: p.columnTexts))
                    result.imported += 1
                    if batch.count >= bulk.batchSize { try await flush() }
                }
                if rowsSeen % 2000 == 0 { report() }
            }
            func report() {
                if let progress, estimatedRows > 0 { progress(min(0.99, Double(rowsSeen) / Double(estimatedRows))) }
            }

            // The next chunk is read and prepared while this one is checked and written.
            var ahead: Task<Ahead, any Error>?
            do {
                while true {
                    let chunk: [(number: Int, cells: [String])]
                    var prepared: [Prepared]
                    if let next = ahead {
                        ahead = nil
                        (chunk, prepared, caches) = try await next.value
                    } else {
                        chunk = try firstRecords.map { r in (0..<r.count).map { (r.numbers[$0], r.strings(of: $0)) } } ?? Self.read(source)
                        prepared = try await Self.prepare(chunk, mapping: mapping, validator: validator, schema: schema, plan: plan, caches: &caches)
                        if plan != nil, checked < Self.sampleRows {
                            // The first rows are also run through the original functions: any
                            // difference and this import goes the plain way.
                            if !Self.agrees(prepared.prefix(Self.sampleRows - checked), mapping: mapping, validator: validator, schema: schema) {
                                plan = nil
                                prepared = try await Self.prepare(chunk, mapping: mapping, validator: validator, schema: schema, plan: nil, caches: &caches)
                            }
                            checked += prepared.count
                        }
                        if kernel != nil, let records = firstRecords {
                            if !(plan.map { Self.kernelAgrees($0, records, prepared, bulk) } ?? false) { kernel = nil }
                            firstRecords = nil
                        }
                    }
                    if chunk.isEmpty { break }
                    if kernel == nil && (plan == nil || checked >= Self.sampleRows) {
                        let handed = caches
                        caches = []
                        ahead = Task { [plan] in
                            var caches = handed
                            let chunk = try Self.read(source)
                            let prepared = try await Self.prepare(chunk, mapping: mapping, validator: validator, schema: schema, plan: plan, caches: &caches)
                            return Ahead(chunk: chunk, prepared: prepared, caches: caches)
                        }
                    }
                    for p in prepared { try await take(p) }
                    if kernel != nil { break }
                }
                if let kernel, let csv, let plan {
                    // The rest of the file through the kernel; rows it hands back go the usual way.
                    // One core is left to the database, which takes the rows slower than one
                    // worker reads and makes them: reading ahead on another core only took
                    // time from the database.
                    var workers = (0..<max(1, caches.count - 1)).map { _ in ImportKernel.Worker(kernel) }
                    // The buffers of one chunk are reused two chunks later, once written: a
                    // fresh 30 MB a chunk cost page faults.
                    var current = CSVRecords(), sent: [ImportKernel.Output] = [], spare: [ImportKernel.Output] = []
                    while case _ = try Self.readRecords(csv, upTo: Self.kernelChunk, into: &current), current.count > 0 {
                        let rowIDs = (0..<current.count).map { _ in ids.next() }
                        let outputs = await Self.runKernel(kernel, current, rowIDs, &workers, reusing: &spare)
                        for output in outputs {
                            for r in output.slow { try await take(plan.prepare(current.numbers[r], current.strings(of: r), &caches[0])) }
                        }
                        let written = outputs.reduce(0) { $0 + $1.written }
                        rowsSeen += written
                        if written > 0, mode == .validRows || result.rejected.isEmpty {
                            result.imported += written
                            try await settle()
                            spare = sent
                            sent = outputs
                            // High priority: the write's continuations must not queue behind
                            // the kernel's work on the next chunk, or the database waits.
                            pending = Task(priority: .high) { try await bulk.write(kernel: outputs) }
                            kernelRows += written
                            kernelWrote?(written)
                        }
                        report()
                    }
                }
                if mode == .allOrNothing && !result.rejected.isEmpty {
                    // Throwing rolls the transaction back: nothing of this file stays.
                    throw RolledBack(result: ImportResult(imported: 0, updated: 0, rejected: result.rejected, ignoredColumns: result.ignoredColumns))
                }
                try await flush()
                try await settle()
                try await flushUpdates()
                if kernelRows > 0 { bulk.lite?.checkpointInBackgroundAfterCommit() }
            } catch {
                // Never leave a write running on a transaction that is being rolled back, nor
                // a read of the file going on after the import.
                if let p = pending { pending = nil; _ = try? await p.value }
                if let a = ahead { ahead = nil; a.cancel(); _ = try? await a.value }
                throw error
            }
            return result
        }
        if result.imported + result.updated >= Self.analyzeFrom { Self.analyzeInBackground(did, on: service.scope.db) }
        return result
    }

    /// Rows written from which an import has the dataset's tables analysed after it commits.
    static let analyzeFrom = 10_000

    /// PostgreSQL plans a query by a table's statistics, which a new partition only gets when
    /// autovacuum comes by, a minute or more after a large import. Until then it plans as if the
    /// dataset were nearly empty: an export just after a million-row import read each page with
    /// a sequential scan of the whole partition (0.66 s a page, against 1.2 ms through its
    /// primary key). So a large import analyses the dataset's records and typed columns once it
    /// has committed, in the background: the job is done without waiting for it.
    static func analyzeInBackground(_ dataset: UUID, on db: any Database) {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql) else { return }
        let tables = [M0009RecordPartitions.partition(of: dataset), ValueColumns.table(of: dataset)]
        Task {
            do {
                try await sql.raw("ANALYZE \(unsafeRaw: tables.joined(separator: ", "))").run()
            } catch {
                db.logger.warning("ANALYZE after an import failed: \(String(reflecting: error))")
            }
        }
    }

    /// Rows read, then validated in parallel, per step.
    static let chunkSize = 8192
    /// Rows per step of the kernel: each step is two COPY statements, whose round trips add up.
    static let kernelChunk = 32768

    /// The next chunk of rows of the file (empty at its end).
    static func read(_ source: any RowSource) throws -> [(number: Int, cells: [String])] {
        var chunk: [(number: Int, cells: [String])] = []
        chunk.reserveCapacity(chunkSize)
        while chunk.count < chunkSize, let row = try source.next() { chunk.append(row) }
        return chunk
    }

    /// The next chunk of a CSV file's records as bytes (blank ones skipped, as `CSVRowSource`
    /// does); empty at its end.
    static func readRecords(_ source: CSVRowSource, upTo limit: Int = chunkSize) throws -> CSVRecords {
        var records = CSVRecords()
        try readRecords(source, upTo: limit, into: &records)
        return records
    }

    /// `readRecords` into `records`, emptied first (its buffers are kept for the next chunk).
    static func readRecords(_ source: CSVRowSource, upTo limit: Int, into records: inout CSVRecords) throws {
        records.removeAll()
        records.reserve(records: limit, bytes: limit * 256)
        while records.count < limit, try source.reader.next(into: &records) {
            if records.isBlank(records.count - 1) { records.removeLast() }
        }
    }

    /// The kernel on a chunk, its rows shared among the workers; their outputs in file order.
    /// Outputs in `spare` (already sent) are filled again rather than new ones allocated.
    static func runKernel(_ kernel: ImportKernel, _ records: CSVRecords, _ ids: [UUID], _ workers: inout [ImportKernel.Worker],
                          reusing spare: inout [ImportKernel.Output]) async -> [ImportKernel.Output] {
        let n = workers.count, count = records.count
        if n == 1 || count < 256 {
            var out = spare.popLast() ?? .init()
            kernel.run(records, rows: 0..<count, ids: ids[...], &workers[0], into: &out)
            return [out]
        }
        let slice = (count + n - 1) / n
        return await withTaskGroup(of: (Int, ImportKernel.Output, ImportKernel.Worker).self) { group in
            for w in 0..<n {
                let lo = min(count, w * slice), hi = min(count, lo + slice)
                var worker = workers[w], out = spare.popLast() ?? .init()
                workers[w] = .moved   // so the task's copy is not copied on write
                group.addTask {
                    kernel.run(records, rows: lo..<hi, ids: ids[lo..<hi], &worker, into: &out)
                    return (w, out, worker)
                }
            }
            var outputs = [ImportKernel.Output](repeating: .init(), count: n)
            for await (w, output, worker) in group { outputs[w] = output; workers[w] = worker }
            return outputs
        }
    }

    /// Whether the kernel writes, for the first rows, exactly the lines the usual way writes
    /// from `prepared` (rows it hands back are left to the usual way).
    /// (The lines compared are COPY's text format; the binary rows sent to PostgreSQL and the
    /// values bound on SQLite are made from the same per-cell texts.)
    static func kernelAgrees(_ plan: FastPlan, _ records: CSVRecords, _ prepared: [Prepared], _ bulk: BulkWriter) -> Bool {
        guard let columns = bulk.columns, prepared.count == records.count else { return false }
        let parts = bulk.kernelParts(.copyText)
        let kernel = ImportKernel(plan: plan, format: .copyText, middle: parts.middle, tail: parts.tail)
        var worker = ImportKernel.Worker(kernel)
        for r in 0..<min(records.count, sampleRows) {
            let id = UUID()
            let output = kernel.run(records, rows: r..<r + 1, ids: [id][...], &worker)
            guard output.written == 1 else { continue }
            let p = prepared[r]
            guard p.errors.isEmpty, let json = try? p.encoded.get() else { return false }
            var record = PostgresCopy.Line(), typed = PostgresCopy.Line()
            bulk.recordLine(id, json: json, search: p.search, &record)
            record.end()
            columns.line(id, p.values, p.columnTexts, &typed)
            typed.end()
            guard output.records.elementsEqual(record.buffer.readableBytesView),
                  output.columns.elementsEqual(typed.buffer.readableBytesView) else { return false }
        }
        return true
    }

    /// A chunk read and prepared ahead, with the caches its preparation used.
    typealias Ahead = (chunk: [(number: Int, cells: [String])], prepared: [Prepared], caches: [FieldCaches])

    static let sampleRows = 2000

    /// Whether rows prepared field by field equal the original functions' answers.
    static func agrees(_ rows: ArraySlice<Prepared>, mapping: [String?], validator: RecordValidator, schema: DatasetSchema) -> Bool {
        for p in rows {
            // Rejected for values past the header before either way read it.
            if valuesBeyondHeader(p.cells, width: mapping.count) != nil { continue }
            let v = validator.validate(.text(texts(p.cells, mapping)))
            guard v.values == p.values, v.errors == p.errors else { return false }
            guard v.errors.isEmpty else { continue }
            // Byte for byte: `String`'s == takes canonically equivalent spellings as equal.
            guard let json = try? DatasetService.encode(v.values, schema), let encoded = try? p.encoded.get(),
                  encoded.utf8.elementsEqual(json.utf8), DatasetService.searchText(v.values).utf8.elementsEqual(p.search.utf8) else { return false }
        }
        return true
    }

    /// A row validated off the import's task: its values, and for a valid row its stored JSON
    /// and search text (computed here, where every core can share the work).
    struct Prepared: Sendable {
        let number: Int
        /// The row's cells as read (the texts by field are made from them only when needed).
        let cells: [String]
        let values: RecordValues
        let errors: [FieldError]
        let encoded: Result<String, any Error>
        let search: String
        /// The typed columns' COPY texts (see `ValueColumns.copyText`), when the plan made them.
        var columnTexts: [String?]? = nil

        /// A row refused as a whole, before its cells are read.
        static func rejected(_ number: Int, _ cells: [String], _ error: FieldError) -> Prepared {
            Prepared(number: number, cells: cells, values: [:], errors: [error], encoded: .success(""), search: "")
        }
    }

    /// A row with values in columns the header does not have (a comma too many, a shifted
    /// row) is rejected rather than read without them. Empty cells past the header are fine.
    static func valuesBeyondHeader(_ cells: [String], width: Int) -> FieldError? {
        guard cells.count > width else { return nil }
        let extra = cells[width...].filter { !$0.allSatisfy(\.isWhitespace) }
        guard !extra.isEmpty else { return nil }
        let shown = extra.prefix(3).joined(separator: ", ")
        return FieldError(field: "", message: .init(
            th: "แถวนี้มีค่าเกินหัวตาราง (หัวตารางมี \(width) คอลัมน์): \(shown) อาจมีจุลภาคเกินหรือคอลัมน์เลื่อน",
            en: "This row has values beyond the header's \(width) columns: \(shown); perhaps an extra comma or shifted columns."))
    }

    /// A row's cells by the field each column is mapped to.
    static func texts(_ cells: [String], _ mapping: [String?]) -> [String: String] {
        var texts: [String: String] = [:]
        for (i, field) in mapping.enumerated() { if let field, i < cells.count { texts[field] = cells[i] } }
        return texts
    }

    static func prepare(_ rows: [(number: Int, cells: [String])], mapping: [String?], validator: RecordValidator,
                        schema: DatasetSchema, plan: FastPlan?, caches: inout [FieldCaches]) async throws -> [Prepared] {
        @Sendable func one(_ row: (number: Int, cells: [String]), _ cache: inout FieldCaches) -> Prepared {
            if let plan { return plan.prepare(row.number, row.cells, &cache) }
            if let beyond = Self.valuesBeyondHeader(row.cells, width: mapping.count) { return .rejected(row.number, row.cells, beyond) }
            let validation = validator.validate(.text(texts(row.cells, mapping)))
            guard validation.errors.isEmpty else {
                return Prepared(number: row.number, cells: row.cells, values: validation.values, errors: validation.errors, encoded: .success(""), search: "")
            }
            return Prepared(number: row.number, cells: row.cells, values: validation.values, errors: [],
                            encoded: Result { try DatasetService.encode(validation.values, schema) },
                            search: DatasetService.searchText(validation.values))
        }
        let workers = caches.count
        if workers == 1 || rows.count < 256 { return rows.map { one($0, &caches[0]) } }
        let slice = (rows.count + workers - 1) / workers
        return try await withThrowingTaskGroup(of: (Int, [Prepared], FieldCaches).self) { group in
            for w in 0..<workers {
                let lo = min(rows.count, w * slice), hi = min(rows.count, lo + slice)
                let part = Array(rows[lo..<hi])
                var cache = caches[w]
                caches[w] = FieldCaches()   // moved into the task, so it is not copied on write
                group.addTask { (w, part.map { one($0, &cache) }, cache) }
            }
            var parts = [[Prepared]](repeating: [], count: workers)
            for try await (w, part, cache) in group { parts[w] = part; caches[w] = cache }
            return parts.flatMap { $0 }
        }
    }

    /// What a cell of a field validates to: the value (nil when it did not parse) and the
    /// field's errors, with its JSON and its normalised search text.
    /// (A class: rows share one result per repeated cell, and each share is one reference.)
    final class CellResult: Sendable {
        let value: FieldValue?
        let errors: [FieldError]
        let json: String?
        let search: String?
        let columnText: String?
        init(value: FieldValue?, errors: [FieldError], json: String?, search: String?, columnText: String? = nil) {
            self.value = value; self.errors = errors; self.json = json; self.search = search; self.columnText = columnText
        }
    }

    /// Per worker, per field: results of cell texts already seen. A field's validation depends
    /// only on its own cell, so a value repeated down a column (a village, a category, a date,
    /// a small count) is parsed and checked once. Bounded per field; a field whose cells rarely
    /// repeat (a code, an amount) stops being looked up once its first lookups show that.
    struct FieldCaches: Sendable {
        struct Field: Sendable {
            var results: [Cell: CellResult] = [:]
            var lookups = 0, hits = 0
            var useful: Bool { FieldCaches.isUseful(lookups: lookups, hits: hits) }
        }
        var fields: [Field] = []
        static let limit = 4096
        static let trial = 4096

        /// Whether a field's cache is still worth looking up: during its first `trial` lookups,
        /// and after them while at least a quarter of lookups hit.
        static func isUseful(lookups: Int, hits: Int) -> Bool { lookups < trial || hits * 4 >= lookups }

        /// A cell's text looked up by its bytes: `String` hashes and compares by canonical
        /// equivalence, which normalises Thai text on every lookup, and a cell spelled with
        /// other bytes must get its own JSON anyway.
        struct Cell: Hashable, Sendable {
            let text: String
            func hash(into hasher: inout Hasher) {
                var text = text
                text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
            static func == (a: Cell, b: Cell) -> Bool {
                var a = a.text, b = b.text
                return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
            }
        }
    }

    /// `DatasetSchema.validate` of a new row taken field by field, exactly: the fields in schema
    /// order, each supplied one parsed from its text then checked, each absent one its default
    /// (or null) checked; with the stored JSON and the search text assembled from per-field
    /// parts in the order the encoder and `DatasetService.searchText` use. Only used when the
    /// mapping names active fields once each, and when a sample of rows matches the original
    /// functions byte for byte.
    struct FastPlan: Sendable {
        struct Slot: Sendable { let field: FieldDefinition; let index: Int; let column: Int? }
        let slots: [Slot]
        let absent: [Int: CellResult]
        /// Field keys in the encoder's order, and in `String` order for the search text.
        let jsonOrder: [Int]
        let searchOrder: [Int]
        let schema: DatasetSchema
        let encoder: JSONEncoder
        /// The header's columns: a row with values beyond them goes the usual way, to be rejected.
        let width: Int

        init?(schema: DatasetSchema, mapping: [String?]) {
            width = mapping.count
            let active = schema.activeFields
            let mapped = mapping.compactMap { $0 }
            guard Set(mapped).count == mapped.count, mapped.allSatisfy({ key in active.contains { $0.key == key } }),
                  Set(active.map(\.key)).count == active.count else { return nil }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            self.encoder = encoder
            self.schema = schema
            var slots: [Slot] = [], absent: [Int: CellResult] = [:]
            for (index, field) in schema.fields.enumerated() where !field.archived {
                let column = mapping.firstIndex(of: field.key)
                slots.append(Slot(field: field, index: index, column: column))
                let value: FieldValue
                if let d = field.defaultValue, let v = try? field.parse(json: d) { value = v } else { value = .null }
                absent[index] = Self.cell(field, value: value, errors: field.check(value), encoder: encoder)
            }
            self.slots = slots
            self.absent = absent
            // The encoder's key order, read from its own output.
            let keys = slots.map(\.field.key)
            guard keys.allSatisfy({ $0.utf8.allSatisfy { b in (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D } }),
                  let data = try? encoder.encode(Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            let positions = slots.indices.map { i in text.range(of: "\"\(keys[i])\":").map { text.distance(from: text.startIndex, to: $0.lowerBound) } }
            guard positions.allSatisfy({ $0 != nil }) else { return nil }
            jsonOrder = slots.indices.sorted { positions[$0]! < positions[$1]! }
            searchOrder = slots.indices.sorted { keys[$0] < keys[$1] }
        }

        /// `input` is the cell the value was parsed from, when there is one.
        static func cell(_ field: FieldDefinition, value: FieldValue?, errors: [FieldError], encoder: JSONEncoder, input: String? = nil) -> CellResult {
            guard let value, !value.isNull, errors.isEmpty else { return CellResult(value: value, errors: errors, json: nil, search: nil) }
            // `value.text` once: for a decimal it is the slow part, and read from a plain input's
            // digits it is not needed at all.
            var text: String?
            if case .decimal = value, let input { text = ThaiDigits.decimalDescription(ofPlain: input) }
            let plain = text ?? value.text
            let json = (quickJSON(value, text: plain) ?? (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }).map { "\"\(field.key)\":" + $0 }
            // A present value's column text (`ValueColumns.copyText`) is its text.
            return CellResult(value: value, errors: errors, json: json, search: Self.safeForParts(plain) ? SearchText.normalize(plain) : nil,
                              columnText: plain)
        }

        /// The encoder's JSON for the common values, written directly from their `text`:
        /// strings with nothing to escape, integers, decimals and dates. Nil for anything else.
        /// (The sample check of `agrees` compares the result with the encoder's.)
        static func quickJSON(_ value: FieldValue, text: String? = nil) -> String? {
            func quoted(_ s: String) -> String? {
                s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } ? nil : "\"" + s + "\""
            }
            switch value {
            case .text, .choice, .phone, .email, .file, .date: return quoted(text ?? value.text)
            case .integer, .decimal: return text ?? value.text
            default: return nil
            }
        }

        /// Whether `normalize` of a text joined with others by spaces equals the join of each
        /// normalised text: true when the text starts and ends with a plain letter or ASCII
        /// character (no space, combining mark or Thai nikhahit at its edges), so nothing
        /// composes, reorders or clusters across the joining space.
        static func safeForParts(_ text: String) -> Bool {
            guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
            return isPlainEdge(first.value, leading: true) && isPlainEdge(last.value, leading: false)
        }

        /// Whether scalar `v` may start (`leading`) or end a text that `safeForParts` accepts.
        static func isPlainEdge(_ v: UInt32, leading: Bool) -> Bool {
            if v >= 0x21 && v <= 0x7E { return true }
            if v >= 0x0E01 && v <= 0x0E2F { return true }           // Thai consonants, ฯ
            if v == 0x0E46 { return true }                          // ๆ
            if v >= 0x0E50 && v <= 0x0E59 { return true }           // Thai digits
            if leading { return v >= 0x0E40 && v <= 0x0E44 }         // leading vowels start a word
            return v == 0x0E30 || v == 0x0E32 || v == 0x0E33 || v == 0x0E45 || (v >= 0x0E34 && v <= 0x0E3A) || (v >= 0x0E47 && v <= 0x0E4C)
        }

        func prepare(_ number: Int, _ cells: [String], _ cache: inout FieldCaches) -> Prepared {
            if let beyond = ImportService.valuesBeyondHeader(cells, width: width) { return .rejected(number, cells, beyond) }
            var values: RecordValues = .init(minimumCapacity: slots.count)
            var errors: [FieldError] = []
            var results = [CellResult?](repeating: nil, count: slots.count)
            if cache.fields.count != slots.count { cache.fields = Array(repeating: .init(), count: slots.count) }
            for (i, slot) in slots.enumerated() {
                let r: CellResult
                if let column = slot.column, column < cells.count {
                    let text = cells[column]
                    let useful = cache.fields[i].useful
                    if useful { cache.fields[i].lookups += 1 }
                    if useful, let hit = cache.fields[i].results[.init(text: text)] {
                        cache.fields[i].hits += 1
                        r = hit
                    } else {
                        do throws(FieldError) {
                            let v = try slot.field.parse(text: text)
                            r = Self.cell(slot.field, value: v, errors: slot.field.check(v), encoder: encoder, input: text)
                        } catch {
                            r = CellResult(value: nil, errors: [error], json: nil, search: nil)
                        }
                        if useful, cache.fields[i].results.count < FieldCaches.limit { cache.fields[i].results[.init(text: text)] = r }
                    }
                } else {
                    r = absent[slot.index]!
                }
                errors += r.errors
                if let v = r.value, !v.isNull { values[slot.field.key] = v }
                results[i] = r
            }
            guard errors.isEmpty else {
                return Prepared(number: number, cells: cells, values: values, errors: errors, encoded: .success(""), search: "")
            }
            var json = "{", search = "", safe = true
            json.reserveCapacity(256)
            search.reserveCapacity(192)
            for i in jsonOrder {
                guard let r = results[i], let v = r.value, !v.isNull else { continue }
                guard let fragment = r.json else { safe = false; break }
                if json.utf8.count > 1 { json += "," }
                json += fragment
            }
            json += "}"
            for i in searchOrder {
                guard let r = results[i], let v = r.value, !v.isNull else { continue }
                guard let part = r.search, !part.isEmpty else { safe = false; break }
                if !search.isEmpty { search += " " }
                search += part
            }
            let columnTexts = results.map { $0?.columnText }
            if !safe {
                return Prepared(number: number, cells: cells, values: values, errors: [],
                                encoded: Result { try DatasetService.encode(values, schema) }, search: DatasetService.searchText(values),
                                columnTexts: columnTexts)
            }
            return Prepared(number: number, cells: cells, values: values, errors: [], encoded: .success(json), search: search,
                            columnTexts: columnTexts)
        }
    }

    /// A new record of the import, ready to store.
    struct NewRow: Sendable {
        let id: UUID
        let json: String
        let search: String
        let values: RecordValues
        let columnTexts: [String?]?
    }

    /// Stores new records in bulk, with the same column values the model would write
    /// (`DatasetRecord`), through SQL rather than one model at a time: on PostgreSQL streamed
    /// with COPY, on SQLite multi-row INSERTs. Their first version is the record itself until
    /// it first changes (`DatasetService.firstVersion`), so no version rows are written here.
    struct BulkWriter: Sendable {
        let db: any Database
        let tenantID: UUID
        let datasetID: UUID
        let actor: String
        let at: Date
        let columns: ValueColumns?
        /// SQLite's C interface on the transaction's connection, on SQLite.
        let lite: SQLiteBulk?
        /// The COPY texts every line repeats.
        let fixed: (tenant: String, dataset: String, stamp: String)

        init(db: any Database, tenantID: UUID, datasetID: UUID, actor: String, at: Date, columns: ValueColumns?, lite: SQLiteBulk?) {
            self.db = db; self.tenantID = tenantID; self.datasetID = datasetID; self.actor = actor; self.at = at; self.columns = columns
            self.lite = lite
            fixed = (PostgresCopy.hex(tenantID), PostgresCopy.hex(datasetID), PostgresCopy.timestamp(at))
        }

        /// How the import kernel writes rows for this database, if it can write them.
        var kernelFormat: ImportKernel.Format? {
            guard columns != nil else { return nil }
            if isPostgres { return .copyBinary }
            return lite == nil ? nil : .sqlite
        }

        var isPostgres: Bool { (db as? any SQLDatabase).map { JSONPath.isPostgres($0) } ?? false }
        var batchSize: Int { isPostgres ? 5000 : 1000 }

        func write(_ rows: [NewRow]) async throws {
            guard !rows.isEmpty else { return }
            let copy = try await PostgresCopy.on(db)
            try await writeRecords(rows, copy: copy)
            guard let columns else { return }
            if let copy {
                try await columns.copy(rows.map { ($0.id, $0.values, $0.columnTexts) }, with: copy)
            } else {
                try await columns.insert(rows.map { ($0.id, $0.values) })
            }
        }

        static let recordColumns = ["id", "tenant_id", "dataset_id", "version", "values_json", "search_text", "created_at", "updated_at", "updated_by"]

        /// A new record's COPY line (without its end).
        func recordLine(_ id: UUID, json: String, search: String, _ line: inout PostgresCopy.Line) {
            line.field(id: id)
            line.field(fixed.tenant); line.field(fixed.dataset); line.field("1")
            line.field(json); line.field(search)
            line.field(fixed.stamp); line.field(fixed.stamp); line.field(actor)
        }

        /// What a record's COPY row holds between its id and its JSON, and after its search
        /// text: in the text format as `recordLine` writes them, or in the binary format. On
        /// SQLite nothing: the values every row repeats are bound once.
        func kernelParts(_ format: ImportKernel.Format) -> (middle: [UInt8], tail: [UInt8]) {
            switch format {
            case .sqlite:
                return ([], [])
            case .copyBinary:
                var middle: [UInt8] = [], tail: [UInt8] = []
                PostgresBinary.field(uuid: tenantID, to: &middle)
                PostgresBinary.field(uuid: datasetID, to: &middle)
                PostgresBinary.field(int64: 1, to: &middle)   // version (Fluent's .int is a BIGINT)
                let stamp = PostgresBinary.microseconds(at)
                PostgresBinary.field(int64: stamp, to: &tail)
                PostgresBinary.field(int64: stamp, to: &tail)
                PostgresBinary.field(text: Array(actor.utf8), to: &tail)
                return (middle, tail)
            case .copyText:
                break
            }
            var line = PostgresCopy.Line()
            recordLine(UUID(), json: "\u{1}", search: "\u{2}", &line)
            line.end()
            let bytes = Array(line.buffer.readableBytesView)
            let json = bytes.firstIndex(of: 1)!, search = bytes.firstIndex(of: 2)!
            return (Array(bytes[32..<json]), Array(bytes[(search + 1)...]))
        }

        /// Rows the kernel wrote (in `kernelFormat`): on PostgreSQL sent as they are, the
        /// records, then their typed columns; on SQLite bound a row at a time.
        func write(kernel outputs: [ImportKernel.Output]) async throws {
            guard let columns else { preconditionFailure("the kernel writes typed columns") }
            if let lite { return try await write(kernel: outputs, lite, columns) }
            guard let copy = try await PostgresCopy.on(db) else { preconditionFailure("the kernel runs on PostgreSQL or SQLite") }
            // Into the dataset's own partition (`M0009RecordPartitions`), which checks its rows
            // as the parent would, without routing each one.
            try await copy.sendBinary(into: M0009RecordPartitions.partition(of: datasetID), columns: Self.recordColumns, outputs.map(\.records))
            try await copy.sendBinary(into: columns.table, columns: ["record_id"] + columns.columns, outputs.map(\.columns))
        }

        /// The kernel's rows on SQLite (`ImportKernel.Format.sqlite`): each record (its id, JSON
        /// and search text) and its typed columns, bound where they lie in the outputs.
        private func write(kernel outputs: [ImportKernel.Output], _ lite: SQLiteBulk, _ columns: ValueColumns) async throws {
            let tenant = tenantID.uuidString, dataset = datasetID.uuidString, stamp = at.timeIntervalSince1970, actor = self.actor
            let kinds = columns.fields.map { ValueColumns.kind($0.type) }
            let table = columns.table, names = ["record_id"] + columns.columns
            try await lite.run {
                let records = try lite.prepare(insertInto: DatasetRecord.schema, columns: Self.recordColumns)
                let typed = try lite.prepare(insertInto: table, columns: names)
                // Bound once: a binding stays until it is replaced.
                records.text(2, copying: tenant); records.text(3, copying: dataset); records.integer(4, 1)
                records.real(7, stamp); records.real(8, stamp); records.text(9, copying: actor)
                let id = UnsafeMutablePointer<UInt8>.allocate(capacity: 36)
                defer { id.deallocate() }
                for output in outputs {
                    try output.records.withUnsafeBytes { r in
                        try output.columns.withUnsafeBytes { c in
                            var p = 0, q = 0
                            while p < r.count {
                                guard let uuid = PostgresBinary.nextField(r, at: &p) else { throw SQLiteBulk.Failure(description: "kernel row without an id") }
                                UUIDDigits.write(uuid.start, into: id, asUUIDString: true)
                                records.text(1, id, count: 36)
                                typed.text(1, id, count: 36)
                                for k in Int32(5)...6 {
                                    guard let text = PostgresBinary.nextField(r, at: &p) else { throw SQLiteBulk.Failure(description: "kernel row without its texts") }
                                    records.text(k, text.start, count: text.count)
                                }
                                try records.step()
                                _ = PostgresBinary.nextField(c, at: &q)   // the id again
                                for (i, kind) in kinds.enumerated() {
                                    let k = Int32(i + 2)
                                    guard let value = PostgresBinary.nextField(c, at: &q) else { typed.null(k); continue }
                                    switch kind {
                                    case .text: typed.text(k, value.start, count: value.count)
                                    case .integer: typed.integer(k, Int64(bigEndian: value.start.loadUnaligned(as: Int64.self)))
                                    case .decimal: typed.real(k, Double(bitPattern: UInt64(bigEndian: value.start.loadUnaligned(as: UInt64.self))))
                                    }
                                }
                                try typed.step()
                            }
                        }
                    }
                }
            }
        }

        func writeRecords(_ rows: [NewRow], copy: PostgresCopy?) async throws {
            let columns = Self.recordColumns
            if let copy {
                try await copy.copy(into: DatasetRecord.schema, columns: columns, count: rows.count) { i, line in
                    recordLine(rows[i].id, json: rows[i].json, search: rows[i].search, &line)
                }
                return
            }
            if let lite = SQLiteRows.on(db) {
                let tenant = SQLiteRows.uuid(tenantID), dataset = SQLiteRows.uuid(datasetID), stamp = SQLiteRows.date(at), by = SQLiteData.text(actor)
                try await lite.insert(into: DatasetRecord.schema, columns: columns, count: rows.count) { i, binds in
                    let row = rows[i]
                    binds.append(SQLiteRows.uuid(row.id)); binds.append(tenant); binds.append(dataset); binds.append(.integer(1))
                    binds.append(.text(row.json)); binds.append(.text(row.search)); binds.append(stamp); binds.append(stamp); binds.append(by)
                }
                return
            }
            // Any other database: through the model.
            var records: [DatasetRecord] = []
            for row in rows {
                let r = DatasetRecord()
                r.id = row.id; r.tenantID = tenantID; r.datasetID = datasetID; r.version = 1
                r.valuesJSON = row.json; r.searchText = row.search
                r.createdAt = at; r.updatedAt = at; r.updatedBy = actor
                records.append(r)
            }
            try await records.create(on: db)
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
