import Vapor
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// `/api/v1/t/{tenant}/datasets/...`: the city database for other systems, with exactly the
/// paths and shapes of the issue. Thin: the rules live in `DatasetService` and `ImportService`.
enum DatasetsAPIController {
    static func register(_ site: Site) {
        site.api(.GET, .datasets, .requires(.readDatasets), list)
        site.api(.POST, .datasets, .requires(.designDatasets), create)
        site.api(.GET, .dataset(.pattern), .requires(.readDatasets), show)
        site.api(.GET, .records(.pattern), .requires(.readDatasets), records)
        site.api(.POST, .records(.pattern), .requires(.editRecords), createRecord)
        site.api(.GET, .record(.pattern, .pattern), .requires(.readDatasets), record)
        site.api(.PATCH, .record(.pattern, .pattern), .requires(.editRecords), patchRecord)
        site.api(.DELETE, .record(.pattern, .pattern), .requires(.editRecords), deleteRecord)
        site.api(.GET, .recordHistory(.pattern, .pattern), .requires(.readDatasets), history)
        site.api(.POST, .recordRestore(.pattern, .pattern), .requires(.editRecords), restoreVersion)
        site.api(.GET, .trash(.pattern), .requires(.editRecords), trash)
        site.api(.POST, .trashRestore(.pattern, .pattern), .requires(.editRecords), restoreFromTrash)
        site.api(.POST, .importFile(.pattern), .requires(.editRecords), body: .stream, importFile)
        site.api(.GET, .export(.pattern), .requires(.readDatasets), export)
        site.api(.POST, .restoreDataset(.pattern), .requires(.editRecords), restoreDataset)
        site.api(.GET, .job(.pattern), .requires(.readDatasets), job)
        site.api(.GET, .aggregate(.pattern), .requires(.readDatasets), CityDatabaseMoreAPI.aggregate)
        site.api(.DELETE, .trashItem(.pattern, .pattern), .requires(.purgeRecords), CityDatabaseMoreAPI.purge)
        site.api(.PUT, .fields(.pattern), .requires(.designDatasets), CityDatabaseMoreAPI.changeSchema)
        site.api(.POST, .recovery, .requires(.designDatasets), CityDatabaseMoreAPI.recover)
    }

    // MARK: Shapes

    struct DatasetBody: Content {
        let slug: String
        let title: LocalizedMessage
        let division: String?
        let description: String?
        let fields: [FieldDefinition]
        let lawfulBasis: String?
    }

    struct DatasetOut: Content {
        let slug: String
        let title: LocalizedMessage
        let division: String?
        let description: String
        let fields: [FieldDefinition]
        let lawfulBasis: String
        let published: Bool
    }

    struct RecordOut: Content {
        let id: UUID
        let version: Int
        let values: RecordValues
    }

    typealias List = ListBody

    struct FieldErrorsBody: Content {
        let error: LocalizedMessage
        let fields: [FieldError]
    }

    // MARK: Helpers

    static func service(_ req: Request, _ ctx: TenantContext) throws -> (DatasetService, DatasetAccess) {
        let user = try ctx.require(.readDatasets)
        return (DatasetService(scope: ctx.scope, actor: user.username).loggingWrites(as: req), DatasetAccess(user: user))
    }

    /// The dataset named in the path, if this person may read it (else 404: its existence is not told).
    static func dataset(_ req: Request, _ ctx: TenantContext, write: Bool = false) async throws -> (DatasetService, DatasetAccess, Dataset, DatasetSchema) {
        let (service, access) = try service(req, ctx)
        guard let slug = req.parameters.get("dataset") else { throw AppError.notFound }
        let d = try await service.dataset(slug)
        guard access.canRead(d) else { throw AppError.notFound }
        if write && !access.canWrite(d) { throw AppError.forbidden }
        return (service, access, d, try DatasetService.schema(of: d))
    }

    static func out(_ d: Dataset, _ schema: DatasetSchema, division: String?) -> DatasetOut {
        DatasetOut(slug: d.slug, title: .init(th: d.titleTH, en: d.titleEN), division: division, description: d.descriptionText,
                   fields: schema.fields, lawfulBasis: d.lawfulBasis, published: d.published)
    }

    static func out(_ r: DatasetRecord, _ schema: DatasetSchema) throws -> RecordOut {
        RecordOut(id: try r.requireID(), version: r.version, values: try DatasetService.values(r, schema))
    }

    static func invalid(_ e: DatasetService.InvalidRecord) -> Response {
        let body = FieldErrorsBody(error: .init(th: "ข้อมูลไม่ผ่านการตรวจสอบ: " + e.errors.map(\.message.th).joined(separator: "; "),
                                                en: "The record is not valid: " + e.errors.map(\.message.en).joined(separator: "; ")),
                                   fields: e.errors)
        let response = Response(status: .unprocessableEntity)
        try? response.content.encode(body)
        return response
    }

    /// A record body is `{"values": {...}}`, or the values object itself.
    static func recordInput(_ req: Request) throws -> RecordInput {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw AppError(.badRequest, th: "ต้องส่งข้อมูล JSON ของระเบียน", en: "A JSON body with the record's values is required.")
        }
        let json: JSONValue
        do { json = try JSONDecoder().decode(JSONValue.self, from: body) } catch {
            throw AppError(.badRequest, th: "JSON ไม่ถูกต้อง", en: "The body is not valid JSON.")
        }
        guard case .object(var object) = json else {
            throw AppError(.badRequest, th: "ต้องเป็นอ็อบเจกต์ JSON", en: "The body must be a JSON object.")
        }
        if case .object(let values)? = object["values"] { object = values }
        return .json(object)
    }

    static func villageFilter(_ access: DatasetAccess, _ schema: DatasetSchema) -> (field: String?, ids: Set<UUID>)? {
        access.villageScope(schema).map { ($0.field?.key, $0.villages) }
    }

    /// A volunteer reading one record: it must be in their villages.
    static func visible(_ r: DatasetRecord, _ access: DatasetAccess, _ schema: DatasetSchema) throws -> Bool {
        guard let scope = access.villageScope(schema) else { return true }
        guard let field = scope.field, case .village(let v)? = try DatasetService.values(r, schema)[field.key] else { return false }
        return scope.villages.contains(v)
    }

    // MARK: Datasets

    static func list(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, access) = try service(req, ctx)
        let divisions = try await ctx.scope.query(Division.self).all()
        let items = try await service.datasets().filter(access.canRead).map { d in
            out(d, try DatasetService.schema(of: d), division: divisions.first { $0.id == d.divisionID }?.slug)
        }
        return try await List(items: items, total: items.count).encodeResponse(for: req)
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, access) = try service(req, ctx)
        let body = try req.content.decode(DatasetBody.self)
        var divisionSlug = body.division
        if divisionSlug == nil, ctx.user?.role == .staff, ctx.user?.divisionIDs.count == 1,
           let only = ctx.user?.divisionIDs.first, let d = try await ctx.scope.find(Division.self, only) {
            divisionSlug = d.slug
        }
        let divisionID = try await divisionSlug.asyncMap { slug in
            guard let d = try await ctx.scope.query(Division.self).filter(\.$slug == slug).first() else {
                throw AppError.invalid(th: "ไม่พบกอง \(slug)", en: "No division \(slug).")
            }
            return d.id
        } ?? nil
        guard access.canCreate(divisionID: divisionID) else { throw AppError.forbidden }
        let d = try await service.create(.init(slug: body.slug, title: body.title, divisionSlug: divisionSlug, description: body.description ?? "",
                                               fields: body.fields, lawfulBasis: body.lawfulBasis ?? "public-task"))
        try await req.audit("create", "dataset", id: d.slug, "created dataset \(d.slug) with \(body.fields.count) fields")
        let response = try await out(d, try DatasetService.schema(of: d), division: divisionSlug).encodeResponse(status: .created, for: req)
        return response
    }

    static func show(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (_, _, d, schema) = try await dataset(req, ctx)
        let division = try await ctx.scope.find(Division.self, d.divisionID)?.slug
        return try await out(d, schema, division: division).encodeResponse(for: req)
    }

    // MARK: Records

    static let reserved: Set<String> = ["limit", "offset", "q", "sort", "order"]

    /// `?FIELD=value` filters: every query parameter not in `except` names an active field, and
    /// its value is read the way the field reads typed text (Thai digits, BE dates, ...).
    static func fieldFilters(_ params: [String: String], _ schema: DatasetSchema, except: Set<String>, villages: VillageNames?) throws -> [(field: FieldDefinition, value: FieldValue)] {
        var filters: [(field: FieldDefinition, value: FieldValue)] = []
        for (key, raw) in params.sorted(by: { $0.key < $1.key }) where !except.contains(key) {
            guard let field = schema.field(key), !field.archived else {
                throw AppError(.badRequest, th: "ไม่มีช่อง \(key) สำหรับกรอง", en: "No field \(key) to filter by.")
            }
            do { filters.append((field, try DatasetService.filterValue(field, raw, villages))) } catch {
                throw AppError(.badRequest, th: error.message.th, en: error.message.en)
            }
        }
        return filters
    }

    /// `?limit=` (1-1000, default 50) and `?offset=` (0 or more): anything else is a 400, not a guess.
    static func paging(_ req: Request) throws -> (limit: Int, offset: Int) {
        func number(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = try? req.query.get(String.self, at: key) else { return value }
            guard let n = ThaiDigits.parseInteger(raw), range.contains(n) else {
                throw AppError(.badRequest, th: "\(key) ต้องเป็นตัวเลข \(range.lowerBound)-\(range.upperBound)", en: "\(key) must be a number from \(range.lowerBound) to \(range.upperBound).")
            }
            return n
        }
        return (try number("limit", default: 50, range: 1...1000), try number("offset", default: 0, range: 0...Int(Int32.max)))
    }

    static func records(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, access, d, schema) = try await dataset(req, ctx)
        var q = DatasetService.RecordQuery()
        (q.limit, q.offset) = try paging(req)
        q.search = try? req.query.get(String.self, at: "q")
        q.villages = villageFilter(access, schema)
        let params = (try? req.query.decode([String: String].self)) ?? [:]
        q.filters = try fieldFilters(params, schema, except: reserved, villages: try await service.villageNames(for: schema))
        if let sort = params["sort"] {
            guard schema.field(sort) != nil else { throw AppError(.badRequest, th: "ไม่มีช่อง \(sort) สำหรับเรียง", en: "No field \(sort) to sort by.") }
            q.sort = (sort, params["order"] == "desc")
        }
        let page = try await service.records(d, q)
        try await auditPersonalRead(req, d, count: page.items.count)
        return try await List(items: try page.items.map { try out($0, schema) }, total: page.total).encodeResponse(for: req)
    }

    /// Reading a dataset that may hold personal data is logged (PDPA).
    static func auditPersonalRead(_ req: Request, _ d: Dataset, count: Int, id: String? = nil) async throws {
        guard d.lawfulBasis != "no-personal-data", count > 0 else { return }
        try await req.audit("read", "dataset-record", id: id ?? d.slug, "read \(count) record(s) of \(d.slug)", personalData: true)
    }

    static func createRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await dataset(req, ctx, write: true)
        do {
            let r = try await service.createRecord(d, try recordInput(req))
            return try await out(r, schema).encodeResponse(status: .created, for: req)
        } catch let e as DatasetService.InvalidRecord { return invalid(e) }
    }

    static func loadRecord(_ req: Request, _ ctx: TenantContext, write: Bool, includeDeleted: Bool = false)
        async throws -> (DatasetService, Dataset, DatasetSchema, DatasetRecord) {
        let (service, access, d, schema) = try await dataset(req, ctx, write: write)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: includeDeleted)
        guard try visible(r, access, schema) else { throw AppError.notFound }
        return (service, d, schema, r)
    }

    static func record(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (_, d, schema, r) = try await loadRecord(req, ctx, write: false)
        try await auditPersonalRead(req, d, count: 1, id: r.id?.uuidString)
        return try await out(r, schema).encodeResponse(for: req)
    }

    static func patchRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, d, schema, r) = try await loadRecord(req, ctx, write: true)
        do {
            let updated = try await service.updateRecord(d, r, try recordInput(req))
            return try await out(updated, schema).encodeResponse(for: req)
        } catch let e as DatasetService.InvalidRecord { return invalid(e) }
    }

    static func deleteRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, d, _, r) = try await loadRecord(req, ctx, write: true)
        try await service.trash(d, r)
        return Response(status: .noContent)
    }

    struct VersionOut: Content {
        let version: Int
        let action: String
        let actor: String
        /// To the millisecond, rounded up: `restore?at=` this instant gives this version.
        let at: String
        let deleted: Bool
        let values: RecordValues
    }

    static func history(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, d, schema, r) = try await loadRecord(req, ctx, write: false, includeDeleted: true)
        let versions = try await service.history(r).map {
            VersionOut(version: $0.version, action: $0.action, actor: $0.actor, at: InstantText.format($0.at, roundingUp: true), deleted: $0.deleted,
                       values: try schema.decodeVersion(fromJSON: $0.valuesJSON).values)
        }
        try await auditPersonalRead(req, d, count: versions.count, id: r.id?.uuidString)
        return try await List(items: versions, total: versions.count).encodeResponse(for: req)
    }

    static func restoreVersion(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, d, schema, r) = try await loadRecord(req, ctx, write: true, includeDeleted: true)
        guard let version = try? req.query.get(Int.self, at: "version"), version >= 1 else {
            throw AppError(.badRequest, th: "ต้องระบุ version เป็นตัวเลข", en: "Give the version to restore as ?version=N.")
        }
        do {
            let restored = try await service.restoreVersion(d, r, version: version)
            return try await out(restored, schema).encodeResponse(for: req)
        } catch let e as DatasetService.InvalidRecord { return invalid(e) }
    }

    static func trash(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await dataset(req, ctx, write: true)
        var q = DatasetService.RecordQuery()
        q.deleted = true
        (q.limit, q.offset) = try paging(req)
        let page = try await service.records(d, q)
        return try await List(items: try page.items.map { try out($0, schema) }, total: page.total).encodeResponse(for: req)
    }

    static func restoreFromTrash(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await dataset(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: true)
        guard r.deletedAt != nil else { throw AppError(.conflict, th: "ระเบียนนี้ไม่ได้อยู่ในถังขยะ", en: "This record is not in the trash.") }
        do {
            let restored = try await service.restoreFromTrash(d, r)
            return try await out(restored, schema).encodeResponse(for: req)
        } catch let e as DatasetService.InvalidRecord { return invalid(e) }
    }

    static func restoreDataset(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await dataset(req, ctx, write: true)
        guard let raw = try? req.query.get(String.self, at: "at"), let moment = InstantText.parse(raw) else {
            throw AppError(.badRequest, th: "ต้องระบุเวลา at ในรูปแบบ ISO 8601", en: "Give the moment as ?at=ISO-8601-time.")
        }
        let changed: Int
        do { changed = try await service.restoreDataset(d, at: moment) } catch let e as DatasetService.InvalidRecord { return invalid(e) }
        try await req.audit("update", "dataset", id: d.slug, "restored dataset \(d.slug) as it was at \(raw): \(changed) record(s) changed")
        struct Out: Content { let restored: Int; let at: String }
        return try await Out(restored: changed, at: InstantText.format(moment)).encodeResponse(for: req)
    }

    // MARK: Import, export, jobs

    static func importFile(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        try await DatasetImportEndpoint.run(req, ctx)
    }

    static func export(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        try await DatasetExportEndpoint.run(req, ctx)
    }

    static func job(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        _ = try ctx.require(.readDatasets)
        guard let job = try await ctx.scope.find(DatasetJob.self, req.parameters.get("id", as: UUID.self)) else { throw AppError.notFound }
        return try await JobStatus(job, req.application.jobRegistry).encodeResponse(for: req)
    }

    /// A job as the API and the job page's poller see it; progress is live while it runs.
    struct JobStatus: Content {
        let id: UUID
        let status: String
        let progress: Double
        let result: ImportResult?
        /// Why a failed job failed.
        let error: LocalizedMessage?

        init(_ stored: DatasetJob, _ registry: JobRegistry) throws {
            let job = registry.current(stored)
            id = try job.requireID()
            status = job.status
            progress = registry.get(id) ?? job.progress
            result = job.importResult
            error = job.failure
        }

        /// `result` is always there, `null` until the job is done, as the API promises.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(status, forKey: .status)
            try c.encode(progress, forKey: .progress)
            try c.encode(result, forKey: .result)
            try c.encodeIfPresent(error, forKey: .error)
        }
    }
}

struct JobRegistryKey: StorageKey { typealias Value = JobRegistry }

extension Application {
    var jobRegistry: JobRegistry { storage[JobRegistryKey.self] ?? JobRegistry() }
}

extension DatasetService {
    /// This service with each record change it writes logged as an act of `req`, in the
    /// change's own transaction.
    func loggingWrites(as req: Request) -> DatasetService {
        var service = self
        service.logWrite = { d, r, action, db in
            let id = r.id?.uuidString
            switch action {
            case "create": try await req.audit("create", "dataset-record", id: id, "created a record in \(d.slug)", on: db)
            case "delete": try await req.audit("delete", "dataset-record", id: id, "moved a record of \(d.slug) to the trash", on: db)
            case "restore": try await req.audit("update", "dataset-record", id: id, "restored a record of \(d.slug) from the trash", on: db)
            case let a where a.hasPrefix("restore-version-"):
                try await req.audit("update", "dataset-record", id: id, "restored version \(a.dropFirst("restore-version-".count)) of a record of \(d.slug) as version \(r.version)", on: db)
            default: try await req.audit(action, "dataset-record", id: id, "updated a record of \(d.slug) to version \(r.version)", on: db)
            }
        }
        return service
    }
}
