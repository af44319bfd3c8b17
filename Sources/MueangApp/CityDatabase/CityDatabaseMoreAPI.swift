import Vapor
import Fluent
import SQLKit
import Datasets
import Tabular
import ThaiConventions

/// Counting and summing, purging the trash, changing a schema without losing data, and the
/// recovery workbench, for the API.
enum CityDatabaseMoreAPI {
    // MARK: Aggregate

    /// `GET .../aggregate?group=FIELD[&sum=FIELD]`: count (and sum) of the live records per value
    /// of a field, computed by the database on the dataset's typed columns.
    static func aggregate(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (_, access, d, schema) = try await DatasetsAPIController.dataset(req, ctx)
        guard access.villageScope(schema) == nil else { throw AppError.forbidden }
        guard let group = try? req.query.get(String.self, at: "group"), let gf = schema.field(group), !gf.archived else {
            throw AppError(.badRequest, th: "ต้องระบุ group เป็นช่องของชุดข้อมูล", en: "Give ?group= as a field of the dataset.")
        }
        var sumField: FieldDefinition?
        if let sumKey = try? req.query.get(String.self, at: "sum") {
            guard let sf = schema.field(sumKey), !sf.archived, [.integer, .decimal].contains(sf.type) else {
                throw AppError(.badRequest, th: "ช่องที่ใช้รวม (sum) ต้องเป็นตัวเลข", en: "?sum= must be a number field.")
            }
            sumField = sf
        }
        guard let columns = try DatasetService.columns(d, schema, on: req.db) else { throw AppError.notFound }
        if try await !columns.exists() {
            try await ctx.scope.transaction { tx in try await DatasetService.columns(d, schema, on: tx.db)?.ensure() }
        }
        let groups = try await columns.groups(by: gf, sum: sumField)
        struct Item: Content { let group: String?; let count: Int; let sum: Double? }
        struct Out: Content { let items: [Item]; let total: Int }
        let items = groups.map { Item(group: $0.group, count: $0.count, sum: $0.sum) }
        return try await Out(items: items, total: items.count).encodeResponse(for: req)
    }

    // MARK: Purge

    /// The audit entry of a purge.
    static func purgeLog(_ req: Request, _ d: Dataset, _ r: DatasetRecord) -> @Sendable (any Database) async throws -> Void {
        let id = r.id?.uuidString, slug = d.slug
        return { db in try await req.audit("purge", "dataset-record", id: id, "purged a record of \(slug) from the trash for good", on: db) }
    }

    /// `DELETE .../trash/{id}`: removes a record from the trash for good, with its history.
    /// Only a municipal admin may, and the act is in the audit log.
    static func purge(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await DatasetsAPIController.dataset(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: true)
        try await service.purge(d, r, log: purgeLog(req, d, r))
        return Response(status: .noContent)
    }

    // MARK: Schema changes

    struct SchemaChange: Content {
        let fields: [FieldDefinition]
        let renames: [String: String]?
    }

    struct Blocked: Content {
        struct Item: Content { let id: UUID; let field: String; let reason: LocalizedMessage }
        let error: LocalizedMessage
        let records: [Item]
    }

    /// `PUT .../fields`: the new field list. Renamed fields keep their values, removed fields are
    /// archived with theirs (and come back when listed again), and a type change that some
    /// values cannot take is refused with the list of those records.
    static func changeSchema(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await DatasetsAPIController.dataset(req, ctx, write: true)
        let change = try req.content.decode(SchemaChange.self)
        switch try await service.changeSchema(d, fields: change.fields, renames: change.renames ?? [:]) {
        case .refused(let blockers):
            let response = Response(status: .conflict)
            try response.content.encode(Blocked(
                error: .init(th: "เปลี่ยนชนิดข้อมูลไม่ได้: มี \(blockers.count) ค่าที่แปลงไม่ได้", en: "The type change was refused: \(blockers.count) value(s) cannot be converted."),
                records: blockers.map { .init(id: $0.record, field: $0.error.field, reason: $0.error.message) }))
            return response
        case .changed(let newSchema, let summary):
            try await req.audit("update", "dataset", id: d.slug, summary)
            let division = try await ctx.scope.find(Division.self, d.divisionID)?.slug
            return try await DatasetsAPIController.out(d, newSchema, division: division).encodeResponse(for: req)
        }
    }

    // MARK: Recovery workbench

    struct RecoveryRequest: Content {
        struct Source: Content {
            let name: String
            let date: String
            /// Rows already keyed by field, or a CSV text whose columns are matched to the fields.
            let rows: [[String: String]]?
            let csv: String?
        }
        struct Key: Content { let type: String; let field: String?; let house: String?; let village: String?; let fields: [String]? }
        struct Choice: Content { let record: Int; let field: String; let source: String?; let value: String?; let empty: Bool? }
        struct Target: Content { let slug: String; let title: LocalizedMessage; let division: String? }
        let fields: [FieldDefinition]
        let keys: [Key]
        let sources: [Source]
        let choices: [Choice]?
        let write: Target?
    }

    /// `POST /api/v1/t/{tenant}/recovery`: rebuilds a register from several partial copies. It
    /// answers each matched record with the values every copy gives, where they disagree and the
    /// suggestion (the most recent copy); with `write`, it also writes the recovered dataset, a
    /// `recovered_from` field recording each value's source. Unmatched rows are kept.
    static func recover(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let body = try req.content.decode(RecoveryRequest.self)
        let schema = DatasetSchema(fields: body.fields)
        if let problem = schema.problems().first { throw AppError.invalid(th: problem.message.th, en: problem.message.en) }
        let keys: [RecoveryKey] = try body.keys.map { k in
            switch (k.type, k.field, k.house, k.village, k.fields) {
            case ("national_id", let f?, _, _, _): return .nationalID(field: f)
            case ("house_village", _, let h?, let v?, _): return .houseAndVillage(house: h, village: v)
            case ("name", _, _, _, let fs?) where !fs.isEmpty: return .name(fields: fs)
            default: throw AppError(.badRequest, th: "กุญแจจับคู่ไม่ถูกต้อง", en: "Each key is {type: national_id, field} | {type: house_village, house, village} | {type: name, fields}.")
            }
        }
        guard !keys.isEmpty, !body.sources.isEmpty else {
            throw AppError(.badRequest, th: "ต้องมีสำเนาข้อมูลและกุญแจจับคู่", en: "Give at least one source and one key.")
        }
        var sources: [RecoverySource] = []
        for s in body.sources {
            let date: CalendarDay
            do { date = try CalendarDay.parse(s.date) } catch { throw AppError(.badRequest, th: error.message.th, en: error.message.en) }
            var rows: [RecoveryRow]
            if let csv = s.csv {
                let reader: CSVReader
                do { reader = try CSVReader(string: csv) } catch { throw AppError.invalid(th: error.message.th, en: error.message.en) }
                let table = try RecoveryService.table(CSVRowSource(reader: reader), name: s.name)
                rows = RecoveryService.rows(table, mapping: schema.suggestColumnMapping(headers: table.header))
            } else {
                rows = (s.rows ?? []).enumerated().map { RecoveryRow(number: $0.offset + 2, values: $0.element) }
            }
            sources.append(RecoverySource(name: s.name, date: date, rows: rows))
        }
        var choices: [Int: [String: RecoveryChoice]] = [:]
        for c in body.choices ?? [] {
            choices[c.record, default: [:]][c.field] = c.empty == true ? .empty : c.value.map(RecoveryChoice.value) ?? c.source.map(RecoveryChoice.source) ?? .empty
        }
        let recovery = RecoveryService(scope: ctx.scope, actor: user.username)
        let bench = try recovery.match(fields: body.fields, keys: keys, sources: sources, choices: choices)
        var written: String?
        if let target = body.write {
            let (d, count) = try await recovery.write(bench, fields: body.fields, slug: target.slug, title: target.title, division: target.division)
            try await req.audit("create", "dataset", id: d.slug, "recovered \(count) record(s) from \(sources.count) copies into \(d.slug)")
            written = d.slug
        }
        struct Out: Content {
            let records: [RecoveredRecord]
            let duplicates: [RecoveryDuplicate]
            let conflicts: Int
            let dataset: String?
        }
        return try await Out(records: bench.records, duplicates: bench.duplicates, conflicts: bench.records.filter(\.hasConflicts).count, dataset: written)
            .encodeResponse(for: req)
    }
}
