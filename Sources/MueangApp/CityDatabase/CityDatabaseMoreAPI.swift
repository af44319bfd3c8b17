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
                error: .init(th: "เปลี่ยนช่องข้อมูลไม่ได้: มี \(blockers.count) ค่าที่แปลงไม่ได้หรือซ้ำกัน", en: "The change was refused: \(blockers.count) value(s) cannot be converted or are duplicates."),
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
        struct Key: Content {
            let type: String; let field: String?; let house: String?; let village: String?; let fields: [String]?
            init(type: String, field: String? = nil, house: String? = nil, village: String? = nil, fields: [String]? = nil) {
                self.type = type; self.field = field; self.house = house; self.village = village; self.fields = fields
            }
            /// A key in the request's form, for the answer.
            static func of(_ k: RecoveryKey) -> Key {
                switch k {
                case .nationalID(let f): Key(type: "national_id", field: f)
                case .houseAndVillage(let h, let v): Key(type: "house_village", house: h, village: v)
                case .name(let fs): Key(type: "name", fields: fs)
                }
            }
        }
        struct Choice: Content { let record: Int; let field: String; let source: String?; let value: String?; let empty: Bool? }
        struct Target: Content { let slug: String; let title: LocalizedMessage; let division: String? }
        /// The recovered register's fields; without them, suggested from the copies' columns
        /// (`RecoveryMapping.suggest`), and every column of every copy mapped onto them.
        let fields: [FieldDefinition]?
        /// Match keys in priority order; without them, suggested (national ID, else house and
        /// village, else name).
        let keys: [Key]?
        let sources: [Source]
        let choices: [Choice]?
        let write: Target?
    }

    /// `POST /api/v1/t/{tenant}/recovery`: rebuilds a register from several partial copies. It
    /// answers each matched record with the values every copy gives, where they disagree and the
    /// suggestion (the most recent copy); with `write`, it also writes the recovered dataset, a
    /// `recovered_from` field recording each value's source. Unmatched rows are kept. Without
    /// `fields` and `keys` both are suggested from the copies, and the answer says which.
    static func recover(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let body = try req.content.decode(RecoveryRequest.self)
        guard !body.sources.isEmpty else {
            throw AppError(.badRequest, th: "ต้องมีสำเนาข้อมูลอย่างน้อยหนึ่งชุด", en: "Give at least one source.")
        }
        let names = body.sources.map(\.name)
        guard Set(names).count == names.count, !names.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw AppError(.badRequest, th: "สำเนาแต่ละชุดต้องมีชื่อไม่ซ้ำกัน", en: "Each source needs a name of its own.")
        }
        // Each copy as a table: a CSV as read, keyed rows with their keys as the header.
        var tables: [RecoveryTable] = []
        var dates: [CalendarDay] = []
        for s in body.sources {
            do { dates.append(try CalendarDay.parse(s.date)) } catch {
                throw AppError(.badRequest, th: "\(s.name): \(error.message.th)", en: "\(s.name): \(error.message.en)")
            }
            if let csv = s.csv {
                let reader: CSVReader
                do { reader = try CSVReader(string: csv) } catch { throw AppError.invalid(th: "\(s.name): \(error.message.th)", en: "\(s.name): \(error.message.en)") }
                tables.append(try RecoveryService.table(CSVRowSource(reader: reader), name: s.name))
            } else {
                let rows = s.rows ?? []
                let header = Array(Set(rows.flatMap(\.keys))).sorted()
                tables.append(RecoveryTable(name: s.name, header: header, rows: rows.enumerated().map { i, row in
                    RecoveryTableRow(number: i + 2, cells: header.map { row[$0] ?? "" })
                }))
            }
        }
        let fields: [FieldDefinition]
        let mappings: [[String?]]
        var suggestedKeys: [RecoveryKey] = []
        if let given = body.fields {
            fields = given
            let schema = DatasetSchema(fields: given)
            if let problem = schema.problems().first { throw AppError.invalid(th: problem.message.th, en: problem.message.en) }
            guard !given.isEmpty else { throw AppError.invalid(th: "ต้องมีอย่างน้อยหนึ่งช่อง", en: "Give at least one field.") }
            // Keyed rows are taken as they are; CSV columns are matched to the fields.
            mappings = zip(body.sources, tables).map { s, t in s.csv != nil ? RecoveryMapping.mapColumns(t, to: schema) : t.header.map { schema.field($0) != nil ? $0 : nil } }
            if body.keys == nil {
                let sources = zip(tables, mappings).map { RecoverySource(name: $0.name, date: dates[0], rows: $0.recoveryRows(mapping: $1)) }
                suggestedKeys = RecoveryMapping.suggestKeys(fields: given, sources: sources)
            }
        } else {
            let suggestion = RecoveryMapping.suggest(tables)
            fields = suggestion.fields.map(\.definition)
            mappings = tables.indices.map(suggestion.mapping)
            suggestedKeys = suggestion.keys
        }
        let known = Set(fields.map(\.key))
        let keys: [RecoveryKey] = try body.keys.map { given in
            try given.map { k in
                let key: RecoveryKey
                switch (k.type, k.field, k.house, k.village, k.fields) {
                case ("national_id", let f?, _, _, _): key = .nationalID(field: f)
                case ("house_village", _, let h?, let v?, _): key = .houseAndVillage(house: h, village: v)
                case ("name", _, _, _, let fs?) where !fs.isEmpty: key = .name(fields: fs)
                default: throw AppError(.badRequest, th: "กุญแจจับคู่ไม่ถูกต้อง", en: "Each key is {type: national_id, field} | {type: house_village, house, village} | {type: name, fields}.")
                }
                if let unknown = key.fields.first(where: { !known.contains($0) }) {
                    throw AppError.invalid(th: "กุญแจจับคู่อ้างถึงช่อง “\(unknown)” ซึ่งไม่มีในทะเบียน", en: "A key names “\(unknown)”, which is not one of the fields.")
                }
                return key
            }
        } ?? suggestedKeys
        guard !keys.isEmpty else {
            throw AppError(.badRequest, th: "ต้องมีกุญแจจับคู่อย่างน้อยหนึ่งอย่าง (ไม่พบคอลัมน์เลขประจำตัวประชาชน บ้านเลขที่กับหมู่ หรือชื่อ)",
                           en: "Give at least one key (no national ID, house number and village, or name column was found).")
        }
        let sources = zip(tables, mappings).enumerated().map { i, pair in
            RecoverySource(name: pair.0.name, date: dates[i], rows: pair.0.recoveryRows(mapping: pair.1))
        }
        var choices: [Int: [String: RecoveryChoice]] = [:]
        for c in body.choices ?? [] {
            choices[c.record, default: [:]][c.field] = c.empty == true ? .empty : c.value.map(RecoveryChoice.value) ?? c.source.map(RecoveryChoice.source) ?? .empty
        }
        let recovery = RecoveryService(scope: ctx.scope, actor: user.username)
        let bench = try recovery.match(fields: fields, keys: keys, sources: sources, choices: choices)
        var written: RecoveryService.Written?
        if let target = body.write {
            let division = try await RecoveryService.division(target.division, user: user, scope: ctx.scope)
            written = try await recovery.write(bench, fields: fields, slug: target.slug, title: target.title, division: division)
            try await req.audit("create", "dataset", id: target.slug, "recovered \(written!.records) record(s) from \(sources.count) copies into \(target.slug)")
        }
        struct Out: Content {
            let records: [RecoveredRecord]
            let duplicates: [RecoveryDuplicate]
            let conflicts: Int
            /// Records whose copies write some value differently (titles, spelling).
            let differences: Int
            let fields: [FieldDefinition]
            let keys: [RecoveryRequest.Key]
            let dataset: String?
            /// Values their field could not take, kept in the source note instead.
            let set_aside: Int?
        }
        return try await Out(records: bench.records, duplicates: bench.duplicates, conflicts: bench.records.filter(\.hasConflicts).count,
                             differences: bench.records.filter(\.hasDifferences).count, fields: fields, keys: keys.map(RecoveryRequest.Key.of),
                             dataset: written?.dataset.slug, set_aside: written?.setAside)
            .encodeResponse(for: req)
    }
}
