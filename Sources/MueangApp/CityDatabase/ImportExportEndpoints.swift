import Vapor
import Fluent
import NIOConcurrencyHelpers
import Datasets
import Tabular
import ThaiConventions

/// Rows of an XLSX sheet (the first, or `?sheet=`).
final class XLSXRowSource: RowSource, @unchecked Sendable {
    private var rows: [XLSXRow]
    private var index = 0
    /// Every sheet of the workbook, in order, and the one being read.
    let sheetNames: [String]
    let sheet: String
    init(url: URL, sheet: String?) throws {
        let book = try XLSXWorkbook(url: url)
        if let sheet, !book.sheetNames.contains(sheet) {
            throw AppError.invalid(th: "ไม่มีแผ่นงานชื่อ \(sheet)", en: "There is no sheet named \(sheet).")
        }
        rows = try book.rows(inSheet: sheet)
        sheetNames = book.sheetNames
        self.sheet = sheet ?? book.sheetNames.first ?? ""
    }
    var count: Int { rows.count }
    func header() throws -> [String] {
        guard index < rows.count else { throw AppError.invalid(th: "แผ่นงานว่างเปล่า ไม่มีแถวหัวตาราง", en: "The sheet is empty: there is no header row.") }
        defer { index += 1 }
        return rows[index].textValues
    }
    func next() throws -> (number: Int, cells: [String])? {
        while index < rows.count {
            let row = rows[index]
            index += 1
            let cells = row.textValues
            if cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            return (row.number, cells)
        }
        return nil
    }
}

/// `POST .../import`: the file is the body, streamed to disk; small files are imported at once,
/// large ones in a job the caller polls.
enum DatasetImportEndpoint {
    static let maxUpload = 1 << 30          // 1 GiB
    static let synchronousLimit = 2 << 20   // 2 MiB

    static func run(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await DatasetsAPIController.dataset(req, ctx, write: true)
        let modeRaw = (try? req.query.get(String.self, at: "mode")) ?? ImportMode.allOrNothing.rawValue
        guard let mode = ImportMode(rawValue: modeRaw) else {
            throw AppError(.badRequest, th: "mode ต้องเป็น all_or_nothing หรือ valid_rows", en: "mode must be all_or_nothing or valid_rows.")
        }
        let key = try? req.query.get(String.self, at: "key")
        let file = try await receive(req)
        do {
            let source = try openSource(file, req)
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            if size <= synchronousLimit {
                defer { try? FileManager.default.removeItem(at: file) }
                let result = try await runImport(ImportService(service: service), d, source, mode, key)
                try await req.audit("import", "dataset", id: d.slug, "import into \(d.slug): \(result.imported) new, \(result.updated) updated, \(result.unchanged) unchanged, \(result.rejected.count) rejected")
                return try respond(result, mode: mode, req: req)
            }
            return try await startJob(req, ctx, service, d, source, file: file, mode: mode, key: key, size: size)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// Runs an import, turning an all-or-nothing rollback into its report.
    static func runImport(_ importer: ImportService, _ d: Dataset, _ source: any RowSource, _ mode: ImportMode, _ key: String?,
                          mapping: [String?]? = nil, progress: (@Sendable (Double) -> Void)? = nil, estimatedRows: Int = 0) async throws -> ImportResult {
        do {
            return try await importer.run(d, source: source, mode: mode, keyField: key, mapping: mapping, progress: progress, estimatedRows: estimatedRows)
        } catch let rolledBack as ImportService.RolledBack {
            return rolledBack.result
        } catch let e as TabularError {
            throw AppError(.unprocessableEntity, th: e.message.th, en: e.message.en)
        }
    }

    static func respond(_ result: ImportResult, mode: ImportMode, req: Request) throws -> Response {
        struct Rejected: Content {
            let imported: Int; let updated: Int; let unchanged: Int; let rejected: [ImportResult.Rejected]; let ignoredColumns: [String]; let error: LocalizedMessage
        }
        let response = Response(status: .ok)
        if mode == .allOrNothing && !result.rejected.isEmpty {
            response.status = .unprocessableEntity
            try response.content.encode(Rejected(imported: 0, updated: 0, unchanged: 0, rejected: result.rejected, ignoredColumns: result.ignoredColumns, error: .init(
                th: "ไม่ได้นำเข้าข้อมูลเลย เพราะมี \(result.rejected.count) ข้อผิดพลาด", en: "Nothing was imported: \(result.rejected.count) problem(s) were found.")))
        } else {
            try response.content.encode(result, as: .json)
        }
        return response
    }

    /// Streams the body to a temporary file under the data directory.
    ///
    /// The body is read with `drain`, whose futures hold the connection back while a megabyte
    /// is written, not as an `AsyncSequence`: Vapor's bridge to that
    /// (`Request.Body.AsyncSequenceDelegate`) can reach a `preconditionFailure` under back
    /// pressure and take the whole server down (vapor/vapor#3153). It did so here once, in the
    /// middle of a 190 MB upload.
    static func receive(_ req: Request) async throws -> URL {
        let dir = URL(fileURLWithPath: req.application.appConfig.dataDirectory).appendingPathComponent("uploads")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("import-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            throw AppError(.insufficientStorage, th: "บันทึกไฟล์ไม่ได้", en: "Could not store the upload.")
        }
        let upload = Upload(handle: handle, loop: req.eventLoop, pool: req.application.threadPool)
        req.body.drain { upload.take($0) }
        let total: Int
        do {
            total = try await upload.done.futureResult.get()
        } catch {
            await upload.settled()   // no write still going on when the file is closed
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            if let e = error as? AppError { throw e }
            throw AppError(.insufficientStorage, th: "บันทึกไฟล์ไม่สำเร็จ (พื้นที่อาจเต็ม)", en: "Could not store the upload (the disk may be full).")
        }
        guard total > 0 else {
            try? FileManager.default.removeItem(at: url)
            throw AppError(.badRequest, th: "ไฟล์ว่างเปล่า", en: "The file is empty.")
        }
        return url
    }

    /// One upload being written: the body's pieces gathered into a megabyte at a time (fewer
    /// system calls), each written on the thread pool after the one before. Its state is only
    /// touched on the request's event loop, where `drain` calls `take`.
    private final class Upload: @unchecked Sendable {
        let handle: FileHandle
        let loop: any EventLoop
        let pool: NIOThreadPool
        /// The bytes received, once all are written and the file closed; or why not.
        let done: EventLoopPromise<Int>
        private var total = 0
        private var pending = ByteBuffer()
        private var written: EventLoopFuture<Void>

        init(handle: FileHandle, loop: any EventLoop, pool: NIOThreadPool) {
            self.handle = handle; self.loop = loop; self.pool = pool
            done = loop.makePromise()
            written = loop.makeSucceededVoidFuture()
        }

        func take(_ part: BodyStreamResult) -> EventLoopFuture<Void> {
            switch part {
            case .buffer(var chunk):
                total += chunk.readableBytes
                guard total <= DatasetImportEndpoint.maxUpload else {
                    done.fail(AppError.tooLarge)
                    return loop.makeFailedFuture(AppError.tooLarge)
                }
                pending.writeBuffer(&chunk)
                guard pending.readableBytes >= 1 << 20 else { return loop.makeSucceededVoidFuture() }
                return write(last: false)
            case .error(let error):
                done.fail(error)
                return loop.makeSucceededVoidFuture()
            case .end:
                let total = self.total
                write(last: true).map { total }.cascade(to: done)
                return loop.makeSucceededVoidFuture()
            }
        }

        /// Once the writes under way are over, whatever became of them.
        func settled() async {
            _ = try? await loop.flatSubmit { self.written }.get()
        }

        /// Writes what is gathered after the previous write (closing the file after the last);
        /// a failed write fails the upload.
        private func write(last: Bool) -> EventLoopFuture<Void> {
            let piece = pending, handle = self.handle, pool = self.pool, loop = self.loop
            pending = ByteBuffer()
            written = written.flatMap {
                pool.runIfActive(eventLoop: loop) {
                    try piece.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
                    if last { try handle.close() }
                }
            }
            let done = self.done
            return written.flatMapErrorThrowing { error in
                done.fail(error)
                throw error
            }
        }
    }

    /// CSV or XLSX, by the file's first bytes (an XLSX is a zip), whatever the media type says;
    /// the sheet of a workbook is `?sheet=` (the first when absent).
    static func openSource(_ url: URL, _ req: Request) throws -> any RowSource {
        try openSource(url, sheet: try? req.query.get(String.self, at: "sheet"))
    }

    static func openSource(_ url: URL, sheet: String?) throws -> any RowSource {
        let handle = try FileHandle(forReadingFrom: url)
        let magic = try handle.read(upToCount: 4) ?? Data()
        try handle.close()
        do {
            if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                return try XLSXRowSource(url: url, sheet: sheet)
            }
            return try CSVRowSource(url: url)
        } catch let e as TabularError {
            throw AppError(.unprocessableEntity, th: e.message.th, en: e.message.en)
        }
    }

    static func startJob(_ req: Request, _ ctx: TenantContext, _ service: DatasetService, _ d: Dataset, _ source: any RowSource,
                         file: URL, mode: ImportMode, key: String?, size: Int) async throws -> Response {
        let jobID = try await launch(req, ctx, service, d, source, file: file, sheet: try? req.query.get(String.self, at: "sheet"),
                                     mode: mode, key: key, mapping: nil, size: size)
        struct Accepted: Content { let job: UUID }
        return try await Accepted(job: jobID).encodeResponse(status: .accepted, for: req)
    }

    /// Runs the import in the background as a job whose progress and result can be polled,
    /// so it survives a page reload. Returns the job id.
    static func launch(_ req: Request, _ ctx: TenantContext, _ service: DatasetService, _ d: Dataset, _ source: any RowSource,
                       file: URL, sheet: String?, mode: ImportMode, key: String?, mapping: [String?]?, size: Int) async throws -> UUID {
        let job = DatasetJob()
        job.id = UUID()
        job.datasetID = try d.requireID(); job.kind = "import"; job.status = "running"; job.progress = 0
        job.actor = service.actor; job.createdAt = Date()
        try await ctx.scope.create(job)
        let jobID = try job.requireID()
        let app = req.application
        let registry = app.jobRegistry
        registry.set(jobID, 0)
        let background = DatasetService(scope: ctx.scope.withDatabase(app.jobsDatabase), actor: service.actor)
        let tenantID = ctx.tenant.id
        let estimated = estimateRows(file, size: size)
        let logger = req.logger
        let user = req.currentUser, ip = req.clientIP, requestID = req.requestID
        let rejectsFile = RejectedRows.file(app, tenant: tenantID, job: jobID)
        Task {
            defer { try? FileManager.default.removeItem(at: file) }
            var status = "failed"
            var resultJSON: String?
            do {
                let result = try await runImport(ImportService(service: background), d, source, mode, key, mapping: mapping,
                                                 progress: { registry.set(jobID, $0) }, estimatedRows: estimated)
                status = "done"
                resultJSON = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
                if !result.rejected.isEmpty {
                    // While the upload is still here: its rejected rows as they were, to fix and import again.
                    do { try RejectedRows.write(result.rejected, from: try openSource(file, sheet: sheet), to: rejectsFile) } catch {
                        logger.report(error: error)
                    }
                }
                try? await Audit.record(on: app.jobsDatabase, tenantID: tenantID, user: user, action: "import", objectType: "dataset", objectID: d.slug,
                                        summary: "import job into \(d.slug): \(result.imported) new, \(result.updated) updated, \(result.unchanged) unchanged, \(result.rejected.count) rejected",
                                        ip: ip, requestID: requestID)
            } catch {
                logger.report(error: error)
                status = "failed"
                let (code, described) = BilingualErrorMiddleware.describe(error)
                resultJSON = DatasetJob.failureJSON(code == .internalServerError
                    ? .init(th: "การนำเข้าล้มเหลว ไม่มีข้อมูลใดถูกเปลี่ยน", en: "The import failed; nothing was changed.") : described)
            }
            let outcome = JobRegistry.Outcome(status: status, resultJSON: resultJSON, progress: status == "done" ? 1 : registry.get(jobID) ?? 0)
            registry.end(jobID, outcome)
            // On the jobs' own connections, which wait for another import's write to end
            // (the requests' connections give up after `DatabaseBusy.requestWait`).
            do {
                guard let j = try await DatasetJob.find(jobID, on: app.jobsDatabase) else { return }
                j.status = outcome.status; j.resultJSON = outcome.resultJSON; j.progress = outcome.progress; j.finishedAt = Date()
                try await j.update(on: app.jobsDatabase)
                registry.recorded(jobID)
            } catch {
                logger.error("could not record how import job \(jobID) ended (\(status)); it is told from memory until a restart: \(String(reflecting: error))")
            }
        }
        return jobID
    }

    /// Line feeds in `bytes`, found with `memchr`.
    static func newlines(in bytes: UnsafeRawBufferPointer) -> Int {
        guard var at = bytes.baseAddress else { return 0 }
        let end = at + bytes.count
        var count = 0
        while at < end, let found = memchr(at, 0x0A, end - at) {
            count += 1
            at = UnsafeRawPointer(found) + 1
        }
        return count
    }

    /// Lines in the file, counted fast, for the progress bar.
    static func estimateRows(_ url: URL, size: Int) -> Int {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return 0 }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            lines += chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in Self.newlines(in: bytes) }
        }
        return max(lines - 1, 1)
    }
}

/// `GET .../export?format=csv|xlsx|geojson|json`: the whole dataset or the current filter,
/// written page by page so a million rows never sit in memory.
enum DatasetExportEndpoint {
    static let pageSize = 2000

    static func run(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, access, d, schema) = try await DatasetsAPIController.dataset(req, ctx)
        let format = (try? req.query.get(String.self, at: "format")) ?? "csv"
        guard ["csv", "xlsx", "geojson", "json"].contains(format) else {
            throw AppError(.badRequest, th: "รูปแบบต้องเป็น csv, xlsx, geojson หรือ json", en: "format must be csv, xlsx, geojson or json.")
        }
        var query = DatasetService.RecordQuery()
        query.search = try? req.query.get(String.self, at: "q")
        query.villages = DatasetsAPIController.villageFilter(access, schema)
        let params = (try? req.query.decode([String: String].self)) ?? [:]
        let villageNames = try await service.villageNames(for: schema)
        query.filters = try DatasetsAPIController.fieldFilters(params, schema, except: DatasetsAPIController.reserved.union(["format", "q", "sheet"]), villages: villageNames)
        try await req.audit("export", "dataset", id: d.slug, "exported \(d.slug) as \(format)", personalData: d.lawfulBasis != "no-personal-data")
        let fields = schema.activeFields
        let dir = URL(fileURLWithPath: req.application.appConfig.dataDirectory).appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("\(d.slug)-\(UUID().uuidString).\(format)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file) else {
            throw AppError(.insufficientStorage, th: "สร้างไฟล์ไม่ได้", en: "Could not create the export file.")
        }
        // Files people open name villages ("หมู่ที่ 1 หนองกี่"); the JSON keeps the API's ids.
        let villages = villageNames?.labels ?? [:]
        do {
            switch format {
            case "csv":
                let w = CSVWriter(fileHandle: handle)
                try w.writeRow(["id"] + fields.map(\.key))
                try await pages(service, d, query) { r in
                    let values = Self.named(try r.values(schema), villages)
                    try w.writeRow([r.id.uuidString] + fields.map { Self.csvCell(values[$0.key]) })
                }
                try w.finish()
            case "json":
                // Gathered and written 64 KB at a time with the throwing write (FileHandle's
                // `write(_: Data)` traps on a full disk, taking the server down).
                var out = Data("{\"items\":[".utf8)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var written = 0
                try await pages(service, d, query) { r in
                    if written > 0 { out.append(UInt8(ascii: ",")) }
                    written += 1
                    out.append(try encoder.encode(DatasetsAPIController.RecordOut(id: r.id, version: r.version, values: try r.values(schema))))
                    if out.count >= 1 << 16 { try handle.write(contentsOf: out); out.removeAll(keepingCapacity: true) }
                }
                // Like every list of the API; the count is known once the items are written.
                out.append(contentsOf: "],\"total\":\(written)}".utf8)
                try handle.write(contentsOf: out)
            case "geojson":
                let w = GeoJSONWriter(fileHandle: handle)
                // The first point field is the geometry; a record without one takes its first
                // point or area that has a value (which stays among the properties too).
                let spatial = fields.filter { $0.type == .point } + fields.filter { $0.type == .area }
                let geometryField = spatial.first
                try await pages(service, d, query) { r in
                    let values = Self.named(try r.values(schema), villages)
                    let geometry = spatial.lazy.compactMap { values[$0.key].flatMap(Self.geometry) }.first
                    var properties: [(String, GeoJSONValue)] = []
                    for f in fields where f.key != geometryField?.key { properties.append((f.key, Self.property(values[f.key]))) }
                    try w.writeFeature(id: r.id.uuidString, geometry: geometry, properties: properties)
                }
                try w.finish()
            default:
                try handle.close()
                let w = try XLSXWriter(url: file, sheetName: String(d.titleTH.prefix(31)))
                try w.writeHeader(fields.map { $0.displayLabel.th })
                try await pages(service, d, query) { r in
                    let values = Self.named(try r.values(schema), villages)
                    try w.writeRow(fields.map { Self.cell(values[$0.key]) })
                }
                try w.finish()
            }
            try? handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        let types = ["csv": "text/csv; charset=utf-8", "json": "application/json", "geojson": "application/geo+json",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        let response = try await req.fileio.asyncStreamFile(at: file.path, mediaType: nil) { _ in
            try? FileManager.default.removeItem(at: file)
        }
        response.headers.replaceOrAdd(name: .contentType, value: types[format] ?? "application/octet-stream")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(d.slug).\(format)\"")
        return response
    }

    /// The first bytes with which a spreadsheet runs a cell as a formula.
    static let formulaStarts: Set<UInt8> = Set("=+-@\t\r".utf8)

    /// Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection);
    /// numbers keep their sign.
    static func csvCell(_ v: FieldValue?) -> String {
        guard let v else { return "" }
        let text = v.text
        switch v {
        case .integer, .decimal, .date, .datetime, .boolean, .point: return text
        case _ where Self.excelWouldRenumber(text):
            // Excel reads a phone "0812345678" as 812345678 and a national ID as 1.10170E+12;
            // written as a text formula it shows as it is, and the importer reads it back.
            return "=\"" + text + "\""
        default:
            guard let first = text.utf8.first, Self.formulaStarts.contains(first) else { return text }
            return "'" + text
        }
    }

    /// Text that Excel would open as something else and change: digits with a leading zero
    /// (dropped) or more than 11 of them (scientific notation, rounded when saved), and a house
    /// number such as 12/3 or 1-2, which it takes for a date.
    static func excelWouldRenumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 14 else { return false }
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        if bytes.allSatisfy(isDigit) { return bytes[0] == 0x30 || bytes.count > 11 }
        // Two or three runs of 1 to 4 digits joined by one kind of "/" or "-".
        guard let separator = bytes.first(where: { !isDigit($0) }), separator == 0x2F || separator == 0x2D else { return false }
        let runs = bytes.split(separator: separator, omittingEmptySubsequences: false)
        return (2...3).contains(runs.count) && runs.allSatisfy { (1...4).contains($0.count) && $0.allSatisfy(isDigit) }
    }

    /// What an export reads of a record.
    struct Row: Sendable {
        let id: UUID
        let version: Int
        let valuesJSON: String
        func values(_ schema: DatasetSchema) throws -> RecordValues { try schema.decodeValues(fromJSON: valuesJSON) }
    }

    /// The records of an export, a page at a time, in the order of their ids, which are
    /// time-ordered (creation order). Each page starts after the last id of the one before and
    /// is read from an index in that order (the partition's primary key on PostgreSQL,
    /// `dataset_records_list` on SQLite): paging by offset made the database sort the whole
    /// dataset again for every page (a million-row CSV export took 9.5 minutes).
    ///
    /// Only the three columns an export writes are read, straight from the database's rows:
    /// making a model of each row, which Fluent does by reflection, took more time than
    /// writing the file. The next page is read while this one is written, so the database
    /// (and the decoding of its rows) works on another core meanwhile.
    static func pages(_ service: DatasetService, _ d: Dataset, _ base: DatasetService.RecordQuery,
                      _ body: (Row) async throws -> Void) async throws {
        @Sendable func page(after: UUID?) async throws -> [Row] {
            var query = try service.recordQuery(d, base)
            if let after { query = query.filter(\.$id > after) }
            let read = NIOLockedValueBox<[Result<Row, any Error>]>([])
            try await query.field(\.$id).field(\.$version).field(\.$valuesJSON).sort(\.$id).limit(pageSize).run { output in
                let columns = output.qualifiedSchema(space: nil, DatasetRecord.schema)
                let row = Result { Row(id: try columns.decode("id"), version: try columns.decode("version"), valuesJSON: try columns.decode("values_json")) }
                read.withLockedValue { $0.append(row) }
            }
            return try read.withLockedValue { try $0.map { try $0.get() } }
        }
        var next: Task<[Row], any Error>? = Task { try await page(after: nil) }
        do {
            while let reading = next {
                let rows = try await reading.value
                next = nil
                if rows.count == pageSize, let last = rows.last?.id { next = Task { try await page(after: last) } }
                for r in rows { try await body(r) }
            }
        } catch {
            if let next { _ = try? await next.value }   // no read goes on after the export
            throw error
        }
    }

    /// Village values as their names, where `names` knows them.
    static func named(_ values: RecordValues, _ names: [UUID: String]) -> RecordValues {
        guard !names.isEmpty else { return values }
        return values.mapValues { v in
            if case .village(let id) = v, let name = names[id] { return .text(name) }
            return v
        }
    }

    static func geometry(_ v: FieldValue) -> GeoJSONGeometry? {
        switch v {
        case .point(let p): return .point(GeoPosition(longitude: p.lon, latitude: p.lat))
        case .area(let json):
            guard case .object(let o) = json, case .string(let type)? = o["type"], let coordinates = o["coordinates"] else { return nil }
            if type == "Polygon", let rings = rings(coordinates) { return .polygon(rings) }
            if type == "MultiPolygon", case .array(let polygons) = coordinates {
                let all = polygons.compactMap(rings)
                return all.count == polygons.count ? .multiPolygon(all) : nil
            }
            return nil
        default: return nil
        }
    }

    static func rings(_ v: JSONValue) -> [[GeoPosition]]? {
        guard case .array(let rings) = v else { return nil }
        var out: [[GeoPosition]] = []
        for ring in rings {
            guard case .array(let positions) = ring else { return nil }
            var r: [GeoPosition] = []
            for p in positions {
                guard case .array(let xy) = p, xy.count >= 2, case .number(let lon) = xy[0], case .number(let lat) = xy[1] else { return nil }
                r.append(GeoPosition(longitude: NSDecimalNumber(decimal: lon).doubleValue, latitude: NSDecimalNumber(decimal: lat).doubleValue))
            }
            out.append(r)
        }
        return out
    }

    static func property(_ v: FieldValue?) -> GeoJSONValue {
        guard let v, !v.isNull else { return .null }
        switch v.json {
        case .number(let n): return .number(NSDecimalNumber(decimal: n).doubleValue)
        case .bool(let b): return .bool(b)
        default: return .string(v.text)
        }
    }

    static func cell(_ v: FieldValue?) -> CellValue {
        guard let v, !v.isNull else { return .empty }
        switch v {
        case .integer(let i): return .number(Double(i), raw: String(i))
        case .decimal(let d): return .number(NSDecimalNumber(decimal: d).doubleValue, raw: "\(d)")
        case .boolean(let b): return .bool(b)
        case .date(let day): return .date(day)
        case .datetime(let instant):
            // A date-time cell in Bangkok time, as people read it (Excel cells have no zone).
            let (day, second) = BangkokTime.local(instant)
            return .dateTime(LocalDateTime(day: day, secondsIntoDay: Double(second)))
        default: return .text(v.text)
        }
    }
}
