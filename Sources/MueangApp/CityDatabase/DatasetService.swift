import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Foundation
import Datasets
import ThaiConventions

/// The city database's rules on top of the tenant's scope: datasets, records, history, trash
/// and point-in-time restore. Every write is one transaction that also appends the record's
/// new version, so nothing changes without a trace.
struct DatasetService: Sendable {
    let scope: TenantScope
    let actor: String
    /// Whether record writes also update the dataset's typed columns and its unique values' keys
    /// (a schema change turns this off and rebuilds both once at the end).
    var syncLookups = true
    /// Whether the surrounding transaction already holds the dataset's fields (see
    /// `holdFields`), so the writes of a loop do not check them again one record at a time.
    var fieldsHeld = false
    /// Writes the audit entry of a record's change (its version's action: create, update,
    /// delete, restore, restore-version-N) inside the change's own transaction: a change is
    /// never committed without its entry, and a request is never answered as failed for a
    /// change that was committed. Services of a request set it (`loggingWrites(as:)`); imports
    /// and restores log once for the whole operation instead.
    var logWrite: (@Sendable (_ d: Dataset, _ r: DatasetRecord, _ action: String, _ db: any Database) async throws -> Void)?

    /// The dataset's typed columns table on `db`, when the database speaks SQL.
    static func columns(_ d: Dataset, _ schema: DatasetSchema, on db: any Database) throws -> ValueColumns? {
        ValueColumns(db, datasetID: try d.requireID(), schema: schema)
    }

    // MARK: Datasets

    struct NewDataset: Sendable {
        var slug: String
        var title: LocalizedMessage
        var divisionSlug: String?
        var description: String = ""
        var fields: [FieldDefinition]
        var lawfulBasis: String = "public-task"
    }

    static let lawfulBases = ["consent", "public-health-duty", "public-task", "contract", "no-personal-data"]

    func datasets() async throws -> [Dataset] {
        try await scope.query(Dataset.self).sort(\.$slug).all()
    }

    func dataset(_ slug: String) async throws -> Dataset {
        guard let d = try await scope.query(Dataset.self).filter(\.$slug == slug).first() else { throw AppError.notFound }
        return d
    }

    static func schema(of d: Dataset) throws -> DatasetSchema {
        DatasetSchema(fields: try JSONDecoder().decode([FieldDefinition].self, from: Data(d.fieldsJSON.utf8)))
    }

    static func encodeFields(_ fields: [FieldDefinition]) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(fields), as: UTF8.self)
    }

    /// Each field's default in the JSON form of its value, the form records are stored in, so a
    /// default is stored the same whether it came from the designer or the API (`"4"`, `"๔"` and
    /// `4` all as `4`, `"๑/๑๐/๒๕๖๗"` as `"2024-10-01"`). A blank default is none. A default the
    /// field cannot read is kept as sent, so that `DatasetSchema.problems()` refuses it.
    static func canonicalDefaults(_ fields: [FieldDefinition]) -> [FieldDefinition] {
        fields.map { field in
            guard let d = field.defaultValue, let value = try? field.parse(json: d) else { return field }
            var f = field
            f.defaultValue = value.isNull ? nil : value.json
            return f
        }
    }

    func create(_ n: NewDataset) async throws -> Dataset {
        var n = n
        n.fields = Self.canonicalDefaults(n.fields)
        try PlatformService.validateSlug(n.slug)
        guard !n.title.th.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.invalid(th: "ต้องระบุชื่อชุดข้อมูลภาษาไทย", en: "A Thai title is required.")
        }
        guard Self.lawfulBases.contains(n.lawfulBasis) else {
            throw AppError.invalid(th: "ฐานทางกฎหมายไม่ถูกต้อง", en: "Unknown lawful basis; use one of \(Self.lawfulBases.joined(separator: ", ")).")
        }
        let schema = DatasetSchema(fields: n.fields)
        if let problem = schema.problems().first {
            throw AppError.invalid(th: problem.message.th, en: problem.message.en)
        }
        guard !n.fields.isEmpty else { throw AppError.invalid(th: "ต้องมีอย่างน้อยหนึ่งช่อง", en: "A dataset needs at least one field.") }
        try await checkReferenceTargets(n.fields, own: n.slug)
        if try await scope.query(Dataset.self).filter(\.$slug == n.slug).first() != nil {
            throw AppError(.conflict, th: "มีชุดข้อมูล \(n.slug) แล้ว", en: "A dataset \(n.slug) already exists.")
        }
        var divisionID: UUID?
        if let slug = n.divisionSlug, !slug.isEmpty {
            guard let division = try await scope.query(Division.self).filter(\.$slug == slug).first() else {
                throw AppError.invalid(th: "ไม่พบกอง \(slug)", en: "No division \(slug).")
            }
            divisionID = division.id
        }
        let d = Dataset()
        d.slug = n.slug; d.titleTH = n.title.th; d.titleEN = n.title.en.isEmpty ? n.title.th : n.title.en
        d.divisionID = divisionID; d.descriptionText = n.description
        d.fieldsJSON = try Self.encodeFields(n.fields); d.lawfulBasis = n.lawfulBasis; d.published = false
        d.createdAt = Date(); d.updatedAt = d.createdAt
        try await scope.transaction { tx in
            try await tx.create(d)
            try await Self.columns(d, schema, on: tx.db)?.create()
        }
        return d
    }

    /// Inside a write transaction: checks that the dataset's fields are still the ones `d` was
    /// read with, and holds them until the transaction ends (on PostgreSQL a row lock, shared by
    /// record writes, exclusive for a schema change; SQLite has one writer at a time anyway).
    /// A record is then never written against fields, or typed columns, that a concurrent
    /// schema change has just replaced: the late writer gets a 409 to reload, not a 500.
    static func holdFields(of d: Dataset, on db: any Database, forSchemaChange: Bool = false) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let lock: SQLQueryString = JSONPath.isPostgres(sql) ? (forSchemaChange ? " FOR UPDATE" : " FOR SHARE") : ""
        struct Row: Decodable { let fields_json: String }
        guard let row = try await sql.raw("SELECT fields_json FROM datasets WHERE id = \(bind: try d.requireID())\(lock)").first(decoding: Row.self) else {
            throw AppError.notFound
        }
        guard row.fields_json == d.fieldsJSON else {
            throw AppError(.conflict, th: "ช่องของชุดข้อมูลนี้เพิ่งถูกเปลี่ยน โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง",
                           en: "This dataset's fields were just changed; reload and try again.")
        }
    }

    /// Every reference field points at a dataset of this tenant (or at its own dataset).
    func checkReferenceTargets(_ fields: [FieldDefinition], own: String) async throws {
        for f in fields where f.type == .reference && !f.archived {
            guard let target = f.reference, !target.isEmpty else { continue }   // the schema's own check names this
            if target != own, try await scope.query(Dataset.self).filter(\.$slug == target).first() == nil {
                throw AppError.invalid(th: "ช่อง \(f.key) อ้างถึงชุดข้อมูล \(target) ซึ่งไม่มีในเทศบาลนี้",
                                       en: "Field \(f.key) refers to dataset \(target), which does not exist in this municipality.")
            }
        }
    }

    enum SchemaChangeOutcome: Sendable {
        case changed(DatasetSchema, summary: String)
        /// Values some records hold that the new types cannot take; nothing was changed.
        case refused([SchemaEvolution.Blocker<UUID>])
    }

    /// Changes a dataset's fields without losing data: renamed fields keep their values, removed
    /// ones are archived with theirs, and a type change some values cannot take is refused with
    /// those records. Records whose values move or convert get a new version.
    func changeSchema(_ d: Dataset, fields: [FieldDefinition], renames: [String: String]) async throws -> SchemaChangeOutcome {
        let fields = Self.canonicalDefaults(fields)
        let schema = try Self.schema(of: d)
        let evolution = SchemaEvolution(old: schema, new: DatasetSchema(fields: fields), renames: renames)
        if let problem = evolution.problems.first { throw AppError.invalid(th: problem.message.th, en: problem.message.en) }
        try await checkReferenceTargets(fields, own: d.slug)
        let records = try await scope.query(DatasetRecord.self).filter(\.$datasetID == (try d.requireID())).all()
        let decoded = try records.map { (id: try $0.requireID(), values: try Self.values($0, schema)) }
        let live = zip(records, decoded).filter { $0.0.deletedAt == nil }.map(\.1)
        let blockers = evolution.unconvertibleRecords(decoded) + evolution.duplicateUniqueValues(live)
        guard blockers.isEmpty else { return .refused(blockers) }
        let newSchema = evolution.result
        let fieldsJSON = try Self.encodeFields(newSchema.fields)
        let moves = !evolution.renamed.isEmpty || !evolution.needsNoConversion
        // The unique values' keys follow a field made unique, renamed, archived or converted.
        let rebuildKeys = moves || schema.activeFields.filter(\.unique).map(\.key) != newSchema.activeFields.filter(\.unique).map(\.key)
        try await scope.transaction { tx in
            try await Self.holdFields(of: d, on: tx.db, forSchemaChange: true)
            let writer = DatasetService(scope: tx, actor: actor, syncLookups: false, fieldsHeld: true)
            d.fieldsJSON = fieldsJSON
            d.updatedAt = Date()
            try await d.update(on: tx.db)
            if moves {
                for (r, old) in zip(records, decoded) {
                    let migrated = try evolution.migrate(old.values)
                    if migrated != old.values {
                        _ = try await writer.save(d, newSchema, r, values: migrated, deleted: r.deletedAt != nil, action: "schema-change")
                    }
                }
            }
            // The columns follow the new fields: rebuilt from the records as they now are.
            try await Self.columns(d, newSchema, on: tx.db)?.rebuild()
            if rebuildKeys {
                try await tx.query(RecordKey.self).filter(\.$datasetID == d.requireID()).delete()
                let validator = RecordValidator(schema: newSchema)
                var keys: [RecordKey] = []
                for (r, old) in zip(records, decoded) where r.deletedAt == nil {
                    keys += Self.keyRows(validator, try evolution.migrate(old.values), tenantID: tx.tenantID, datasetID: try d.requireID(), recordID: try r.requireID())
                }
                for part in keys.chunks(of: 500) { try await Array(part).create(on: tx.db) }
            }
        }
        let types = evolution.typeChanges.map { "\($0.key) \($0.from.rawValue)→\($0.to.rawValue)" }
        return .changed(newSchema, summary: "schema of \(d.slug): renamed \(evolution.renamed), archived \(evolution.archived), added \(evolution.added), types \(types)")
    }

    // MARK: Records

    struct Page: Sendable { var items: [DatasetRecord]; var total: Int }

    struct RecordQuery: Sendable {
        var limit = 50
        var offset = 0
        var search: String?
        var filters: [(field: FieldDefinition, value: FieldValue)] = []
        var sort: (field: String, descending: Bool)?
        var deleted = false
        /// Only records whose village field holds one of these villages (volunteers).
        var villages: (field: String?, ids: Set<UUID>)?
    }

    /// Rows of a dataset, filtered on JSON values with the engine's own JSON functions.
    func records(_ d: Dataset, _ q: RecordQuery) async throws -> Page {
        let base = try recordQuery(d, q)
        let total = try await base.count()
        var page = base
        if let sort = q.sort, let sql = scope.db as? any SQLDatabase {
            let textual: Set<FieldType> = [.text, .longText, .choice, .multiChoice, .email, .file]
            let thai = try Self.schema(of: d).field(sort.field).map { textual.contains($0.type) } ?? false
            let expr = thai ? try await JSONPath.thaiSortKey(sql, column: "values_json", key: sort.field)
                            : JSONPath.extract(sql, column: "values_json", key: sort.field)
            page = page.sort(.custom(SQLOrderBy(expression: expr, direction: sort.descending ? SQLDirection.descending : SQLDirection.ascending) as any SQLExpression))
        }
        let items = try await page.sort(\.$createdAt).sort(\.$id).range(q.offset..<(q.offset + q.limit)).all()
        return Page(items: items, total: total)
    }

    func recordQuery(_ d: Dataset, _ q: RecordQuery) throws -> QueryBuilder<DatasetRecord> {
        var query = scope.query(DatasetRecord.self).filter(\.$datasetID == (try d.requireID()))
        query = q.deleted ? query.filter(\.$deletedAt != nil) : query.filter(\.$deletedAt == nil)
        for word in Self.searchWords(q.search ?? "") {
            query = query.filter(\.$searchText, .contains(inverse: false, .anywhere), word)
        }
        if !q.filters.isEmpty, let sql = scope.db as? any SQLDatabase {
            for (field, value) in q.filters {
                query = query.filter(.custom(JSONPath.matches(sql, column: "values_json", key: field.key, value: value) as any SQLExpression))
            }
        }
        if let villages = q.villages, let sql = scope.db as? any SQLDatabase {
            guard let field = villages.field, !villages.ids.isEmpty else { return query.filter(.custom(SQLRaw("1 = 0") as any SQLExpression)) }
            query = query.group(.or) { group in
                for id in villages.ids {
                    group.filter(.custom(JSONPath.equals(sql, column: "values_json", key: field, value: .village(id)) as any SQLExpression))
                }
            }
        }
        return query
    }

    func record(_ d: Dataset, _ id: UUID?, includeDeleted: Bool = false) async throws -> DatasetRecord {
        guard let id, let r = try await scope.query(DatasetRecord.self).filter(\.$datasetID == (try d.requireID())).filter(\.$id == id).first(),
              includeDeleted || r.deletedAt == nil
        else { throw AppError.notFound }
        return r
    }

    static func values(_ r: DatasetRecord, _ schema: DatasetSchema) throws -> RecordValues {
        try schema.decodeValues(fromJSON: r.valuesJSON)
    }

    static func encode(_ values: RecordValues, _ schema: DatasetSchema) throws -> String {
        String(decoding: try schema.encodeValues(values), as: UTF8.self)
    }

    /// A search's words, each of which a record must contain: normalised like the stored search
    /// text, and a number written with dashes (an ID card "1-1017-00123-45-6", a phone
    /// "081-234-5678") as its digits, the way IDs and phones are stored.
    static func searchWords(_ query: String) -> [String] {
        SearchText.normalize(query).split(separator: " ").map { word in
            word.contains("-") && word.allSatisfy({ $0 == "-" || ($0.isASCII && $0.isNumber) }) ? word.filter { $0 != "-" } : String(word)
        }.filter { !$0.isEmpty }
    }

    static func searchText(_ values: RecordValues) -> String {
        SearchText.normalize(values.keys.sorted().compactMap { values[$0]?.text }.joined(separator: " "))
    }

    /// Validation failures of one record, as a 422 the API and forms show field by field.
    struct InvalidRecord: Error, Sendable {
        let errors: [FieldError]
    }

    /// Checks what needs the database: unique values and references to records or villages.
    func checkDatabaseRules(_ d: Dataset, _ schema: DatasetSchema, _ values: RecordValues, recordID: UUID?) async throws -> [FieldError] {
        var errors: [FieldError] = []
        let validator = RecordValidator(schema: schema)
        for key in validator.uniqueFields {
            guard let v = values[key], !v.isNull, let field = schema.field(key) else { continue }
            var q = scope.query(RecordKey.self).filter(\.$datasetID == (try d.requireID())).filter(\.$fieldKey == key)
                .filter(\.$valueKey == SearchText.compactKey(v.text))
            if let recordID { q = q.filter(\.$recordID != recordID) }
            if try await q.first() != nil {
                errors.append(FieldError(field, LocalizedMessage(th: "มีค่า \(v.text) ในระเบียนอื่นแล้ว", en: "\(v.text) is already used by another record")))
            }
        }
        for ref in validator.references(in: values) {
            guard let field = schema.field(ref.field) else { continue }
            let exists: Bool
            if ref.dataset == RecordValidator.storedFile {
                exists = try await scope.query(RecordFile.self).filter(\.$id == ref.id).filter(\.$datasetID == d.requireID()).count() > 0
            } else if let slug = ref.dataset {
                let target = try await scope.query(Dataset.self).filter(\.$slug == slug).first()
                exists = try await target.asyncMap { t in
                    try await scope.query(DatasetRecord.self).filter(\.$datasetID == t.requireID()).filter(\.$id == ref.id).filter(\.$deletedAt == nil).count() > 0
                } ?? false
            } else {
                exists = try await scope.find(Village.self, ref.id) != nil
            }
            if !exists {
                errors.append(FieldError(field, LocalizedMessage(th: "ไม่พบรายการที่อ้างถึงในเทศบาลนี้", en: "the referenced item does not exist in this municipality")))
            }
        }
        return errors
    }

    func writeKeys(_ d: Dataset, _ schema: DatasetSchema, _ values: RecordValues, recordID: UUID, db: TenantScope) async throws {
        try await db.query(RecordKey.self).filter(\.$recordID == recordID).delete()
        for k in Self.keyRows(RecordValidator(schema: schema), values, tenantID: db.tenantID, datasetID: try d.requireID(), recordID: recordID) {
            try await db.create(k)
        }
    }

    /// The `record_keys` rows that hold a record's unique values.
    static func keyRows(_ validator: RecordValidator, _ values: RecordValues, tenantID: UUID, datasetID: UUID, recordID: UUID) -> [RecordKey] {
        validator.uniqueKeys(of: values).map { key in
            let k = RecordKey()
            k.tenantID = tenantID; k.datasetID = datasetID; k.fieldKey = key.field; k.valueKey = key.valueKey; k.recordID = recordID
            return k
        }
    }

    func appendVersion(_ r: DatasetRecord, action: String, db: TenantScope, at: Date) async throws {
        let v = RecordVersion()
        v.datasetID = r.datasetID; v.recordID = try r.requireID(); v.version = r.version; v.action = action
        v.valuesJSON = r.valuesJSON; v.deleted = r.deletedAt != nil; v.actor = actor; v.at = at
        try await db.create(v)
    }

    /// The tenant's villages and communities, to read village fields written by name or number.
    func villageNames() async throws -> VillageNames {
        VillageNames(try await scope.query(Village.self).all().map {
            VillageNames.Village(id: try $0.requireID(), number: $0.kind == "moo" ? $0.number : nil, nameTH: $0.nameTH, nameEN: $0.nameEN)
        })
    }

    /// `villageNames()` when the schema has a village field, else nil (no query).
    func villageNames(for schema: DatasetSchema) async throws -> VillageNames? {
        schema.activeFields.contains { $0.type == .village } ? try await villageNames() : nil
    }

    /// A filter's value for `field` from its text; a village also by name or number, and a
    /// date-time field by a date alone (the whole day, Bangkok time).
    static func filterValue(_ field: FieldDefinition, _ text: String, _ villages: VillageNames?) throws(FieldError) -> FieldValue {
        if field.type == .village, let id = villages?.id(for: text) { return .village(id) }
        if field.type == .datetime, !text.contains(":"), !text.contains("น."),
           case .date(let day)? = try? FieldDefinition(key: field.key, type: .date).parse(text: text) {
            return .date(day)
        }
        return try field.parse(text: text)
    }

    func createRecord(_ d: Dataset, _ input: RecordInput) async throws -> DatasetRecord {
        let schema = try Self.schema(of: d)
        let input = try await villageNames(for: schema).map { input.resolvingVillages(schema, $0) } ?? input
        let validation = RecordValidator(schema: schema).validate(input)
        var errors = validation.errors
        if errors.isEmpty { errors += try await checkDatabaseRules(d, schema, validation.values, recordID: nil) }
        guard errors.isEmpty else { throw InvalidRecord(errors: errors) }
        let now = Date()
        let r = DatasetRecord()
        r.id = .timeOrdered()
        r.datasetID = try d.requireID(); r.version = 1; r.valuesJSON = try Self.encode(validation.values, schema)
        r.searchText = Self.searchText(validation.values); r.createdAt = now; r.updatedAt = now; r.updatedBy = actor
        try await scope.transaction { tx in
            if !fieldsHeld { try await Self.holdFields(of: d, on: tx.db) }
            try await tx.create(r)
            try await writeKeys(d, schema, validation.values, recordID: try r.requireID(), db: tx)
            try await appendVersion(r, action: "create", db: tx, at: now)
            try await Self.columns(d, schema, on: tx.db)?.insert([(try r.requireID(), validation.values)])
            try await logWrite?(d, r, "create", tx.db)
        }
        return r
    }

    func updateRecord(_ d: Dataset, _ r: DatasetRecord, _ input: RecordInput, action: String = "update") async throws -> DatasetRecord {
        let schema = try Self.schema(of: d)
        let existing = try Self.values(r, schema)
        let input = try await villageNames(for: schema).map { input.resolvingVillages(schema, $0) } ?? input
        let validation = RecordValidator(schema: schema).validate(input, existing: existing)
        var errors = validation.errors
        if errors.isEmpty { errors += try await checkDatabaseRules(d, schema, validation.values, recordID: r.id) }
        guard errors.isEmpty else { throw InvalidRecord(errors: errors) }
        return try await save(d, schema, r, values: validation.values, deleted: r.deletedAt != nil, action: action)
    }

    /// Writes a new version of `r` (values and trash state) with its keys and history.
    func save(_ d: Dataset, _ schema: DatasetSchema, _ r: DatasetRecord, values: RecordValues, deleted: Bool, action: String, at: Date = Date()) async throws -> DatasetRecord {
        let json = try Self.encode(values, schema)
        // A change that changes nothing (`PATCH {}`, a row imported again as it is) is no new version.
        if json == r.valuesJSON && deleted == (r.deletedAt != nil) { return r }
        let first = r.version == 1 ? Self.firstVersion(of: r) : nil
        r.version += 1
        r.valuesJSON = json
        r.searchText = Self.searchText(values)
        r.deletedAt = deleted ? (r.deletedAt ?? at) : nil
        r.updatedAt = at; r.updatedBy = actor
        try await scope.transaction { tx in
            if !fieldsHeld { try await Self.holdFields(of: d, on: tx.db) }
            // An imported record's first version is written down before it changes.
            if let first, try await tx.query(RecordVersion.self).filter(\.$recordID == r.requireID()).count() == 0 {
                try await tx.create(first)
            }
            try await r.update(on: tx.db)
            if syncLookups {
                if deleted {
                    try await tx.query(RecordKey.self).filter(\.$recordID == r.requireID()).delete()
                } else {
                    try await writeKeys(d, schema, values, recordID: try r.requireID(), db: tx)
                }
            }
            try await appendVersion(r, action: action, db: tx, at: at)
            if syncLookups, let columns = try Self.columns(d, schema, on: tx.db) {
                if deleted { try await columns.remove([try r.requireID()]) } else { try await columns.put([(try r.requireID(), values)]) }
            }
            try await logWrite?(d, r, action, tx.db)
        }
        return r
    }

    func trash(_ d: Dataset, _ r: DatasetRecord) async throws {
        let schema = try Self.schema(of: d)
        _ = try await save(d, schema, r, values: try Self.values(r, schema), deleted: true, action: "delete")
    }

    func restoreFromTrash(_ d: Dataset, _ r: DatasetRecord) async throws -> DatasetRecord {
        let schema = try Self.schema(of: d)
        let values = try Self.values(r, schema)
        let clash = try await checkDatabaseRules(d, schema, values, recordID: r.id)
        guard clash.isEmpty else { throw InvalidRecord(errors: clash) }
        return try await save(d, schema, r, values: values, deleted: false, action: "restore")
    }

    /// A record imported in bulk keeps its first version in its own row until it first changes
    /// (so an import writes one row per record, not two): that version. A record with no
    /// version rows is always such a record, still at version 1.
    static func firstVersion(of r: DatasetRecord) -> RecordVersion {
        let v = RecordVersion()
        v.tenantID = r.tenantID; v.datasetID = r.datasetID; v.recordID = r.id ?? UUID(); v.version = 1; v.action = "import"
        v.valuesJSON = r.valuesJSON; v.deleted = r.deletedAt != nil; v.actor = r.updatedBy; v.at = r.createdAt
        return v
    }

    func history(_ r: DatasetRecord) async throws -> [RecordVersion] {
        let rows = try await scope.query(RecordVersion.self).filter(\.$recordID == r.requireID()).sort(\.$version).all()
        return rows.isEmpty && r.version == 1 ? [Self.firstVersion(of: r)] : rows
    }

    func restoreVersion(_ d: Dataset, _ r: DatasetRecord, version: Int) async throws -> DatasetRecord {
        guard let old = try await scope.query(RecordVersion.self).filter(\.$recordID == r.requireID()).filter(\.$version == version).first()
                ?? (version == 1 && r.version == 1 ? Self.firstVersion(of: r) : nil) else {
            throw AppError.notFound
        }
        let schema = try Self.schema(of: d)
        let (values, unreadable) = try schema.decodeVersion(fromJSON: old.valuesJSON)
        guard unreadable.isEmpty else { throw InvalidRecord(errors: unreadable) }
        let clash = old.deleted ? [] : try await checkDatabaseRules(d, schema, values, recordID: r.id)
        guard clash.isEmpty else { throw InvalidRecord(errors: clash) }
        return try await save(d, schema, r, values: values, deleted: old.deleted, action: "restore-version-\(version)")
    }

    /// Removes a record in the trash for good, with its history and keys, and logs who did it
    /// (`log`, in the same transaction: no purge without its audit entry).
    func purge(_ d: Dataset, _ r: DatasetRecord, log: @escaping @Sendable (any Database) async throws -> Void) async throws {
        guard r.deletedAt != nil else {
            throw AppError(.conflict, th: "ลบถาวรได้เฉพาะระเบียนในถังขยะ", en: "Only records in the trash can be purged.")
        }
        let id = try r.requireID()
        try await scope.transaction { tx in
            try await tx.query(RecordVersion.self).filter(\.$recordID == id).delete()
            try await tx.query(RecordKey.self).filter(\.$recordID == id).delete()
            try await r.delete(on: tx.db)
            try await log(tx.db)
        }
    }

    /// Puts every record of the dataset back as it was at `moment`: records created since go to
    /// the trash, changed ones get their old values, deleted ones come back. Other datasets are
    /// untouched, and the restore is itself a new version of each record it changes.
    func restoreDataset(_ d: Dataset, at moment: Date) async throws -> Int {
        let schema = try Self.schema(of: d)
        let did = try d.requireID()
        let now = Date()
        return try await scope.transaction { tx in
            try await Self.holdFields(of: d, on: tx.db)
            let service = DatasetService(scope: tx, actor: actor, fieldsHeld: true)
            let records = try await tx.query(DatasetRecord.self).filter(\.$datasetID == did).all()
            let versions = try await tx.query(RecordVersion.self).filter(\.$datasetID == did).filter(\.$at <= moment).sort(\.$version).all()
            var stateAt: [UUID: RecordVersion] = [:]
            for v in versions { stateAt[v.recordID] = v }   // sorted by version: the last one wins
            // First what each record becomes, then the writes: a restore can swap unique values
            // between records, so the keys of every record that changes are let go before any
            // is written again.
            var changes: [(record: DatasetRecord, values: RecordValues, deleted: Bool)] = []
            for r in records {
                let id = try r.requireID()
                var target = stateAt[id]
                // Still at its first version: that version, if the record existed then.
                if target == nil, r.version == 1, r.createdAt <= moment { target = Self.firstVersion(of: r) }
                let shouldBeDeleted = target?.deleted ?? true
                let targetJSON = target?.valuesJSON ?? r.valuesJSON
                if shouldBeDeleted == (r.deletedAt != nil) && targetJSON == r.valuesJSON { continue }
                let (values, unreadable) = try schema.decodeVersion(fromJSON: targetJSON)
                guard unreadable.isEmpty else { throw InvalidRecord(errors: unreadable) }
                changes.append((r, values, shouldBeDeleted))
            }
            try await Self.refuseDuplicateKeys(after: changes, in: d, schema, on: tx)
            for ids in try changes.map({ try $0.record.requireID() }).chunks(of: 500) {
                try await tx.query(RecordKey.self).filter(\.$recordID ~~ Array(ids)).delete()
            }
            for change in changes {
                _ = try await service.save(d, schema, change.record, values: change.values, deleted: change.deleted, action: "restore-dataset", at: now)
            }
            return changes.count
        }
    }

    /// A dataset restored to a moment must still hold each unique value once: a field made
    /// unique after that moment, or values of records kept as they are, can clash with the
    /// restored ones. Such a restore is refused with the values and their records.
    static func refuseDuplicateKeys(after changes: [(record: DatasetRecord, values: RecordValues, deleted: Bool)], in d: Dataset, _ schema: DatasetSchema,
                                    on tx: TenantScope) async throws {
        let unique = RecordValidator(schema: schema).uniqueFields
        guard !unique.isEmpty else { return }
        let changing = Set(changes.compactMap { $0.record.id })
        var owner: [String: [String: UUID]] = [:]
        for k in try await tx.query(RecordKey.self).filter(\.$datasetID == d.requireID()).all() where !changing.contains(k.recordID) {
            owner[k.fieldKey, default: [:]][k.valueKey] = k.recordID
        }
        var errors: [FieldError] = []
        for (r, values, deleted) in changes where !deleted {
            for key in unique {
                guard let v = values[key], !v.isNull, let field = schema.field(key) else { continue }
                let compact = SearchText.compactKey(v.text)
                if let other = owner[key]?[compact], other != r.id {
                    errors.append(FieldError(field, .init(th: "ค่า \(v.text) จะซ้ำกันในระเบียน \(other.uuidString) และ \(r.id?.uuidString ?? "")",
                                                          en: "\(v.text) would be held by both \(other.uuidString) and \(r.id?.uuidString ?? "")")))
                } else {
                    owner[key, default: [:]][compact] = r.id
                }
            }
        }
        guard errors.isEmpty else { throw InvalidRecord(errors: errors) }
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements (statements with one bound
    /// parameter an element stay under the engines' limits).
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

extension Optional {
    /// `map` for an async transform.
    public func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await f(self)
    }
}

/// JSON access in SQL, per engine: SQLite's `json_extract` and PostgreSQL's `jsonb` operators.
/// Field keys are validated as `[a-z][a-z0-9_]*` before they get here; they are still passed as
/// SQL literals, never spliced as text.
enum JSONPath {
    static func isPostgres(_ db: any SQLDatabase) -> Bool { db.dialect.name == "postgresql" }

    static func extract(_ db: any SQLDatabase, column: String, key: String) -> SQLQueryString {
        isPostgres(db)
            ? "(\(ident: column)::jsonb -> \(literal: key))"
            : "json_extract(\(ident: column), \(literal: "$.\"" + key + "\""))"
    }

    /// What a filter on `key` means: a multiple choice holds each chosen value (among others),
    /// a date on a date-time field is that whole day, anything else is equal.
    static func matches(_ db: any SQLDatabase, column: String, key: String, value: FieldValue) -> SQLQueryString {
        switch value {
        case .multiChoice where isPostgres(db):
            return "(\(extract(db, column: column, key: key)) @> CAST(\(bind: value.json.jsonText) AS jsonb))"
        case .multiChoice(let items):
            var all: SQLQueryString = "1 = 1"
            for item in items {
                all = "\(all) AND EXISTS (SELECT 1 FROM json_each(\(ident: column), \(literal: "$.\"" + key + "\"")) WHERE value = \(bind: item))"
            }
            return "(\(all))"
        case .date(let day):
            let text = isPostgres(db) ? "(\(ident: column)::jsonb ->> \(literal: key))" as SQLQueryString : extract(db, column: column, key: key)
            // A date field holds exactly the day; a date-time field starts with it (stored in Bangkok time).
            return "(\(text) = \(bind: day.iso8601) OR \(text) LIKE \(bind: day.iso8601 + "T%"))"
        default:
            return equals(db, column: column, key: key, value: value)
        }
    }

    /// A text value in Thai dictionary order rather than by code point, where a word starting
    /// with เ แ โ ใ ไ would come after every other. PostgreSQL compares with ICU's Thai
    /// collation where it has one; SQLite (and PostgreSQL without ICU) by the text in lower case with its tone
    /// and silent marks left out and a leading vowel put after its consonant, as the dictionary
    /// orders the first syllable.
    static func thaiSortKey(_ db: any SQLDatabase, column: String, key: String) async throws -> SQLQueryString {
        if isPostgres(db), try await hasThaiCollation(db) {
            return "((\(ident: column)::jsonb ->> \(literal: key)) COLLATE \"th-TH-x-icu\")"
        }
        var text: SQLQueryString = "lower(\(isPostgres(db) ? "(\(ident: column)::jsonb ->> \(literal: key))" as SQLQueryString : extract(db, column: column, key: key)))"
        for mark in ["\u{0E47}", "\u{0E48}", "\u{0E49}", "\u{0E4A}", "\u{0E4B}", "\u{0E4C}"] {
            text = "replace(\(text), \(literal: mark), '')"
        }
        let first: SQLQueryString = "substr(\(text), 1, 1)"
        return "(CASE WHEN \(first) IN ('เ', 'แ', 'โ', 'ใ', 'ไ') THEN substr(\(text), 2, 1) || \(text) ELSE \(text) END)"
    }

    private static let thaiCollation = NIOLockedValueBox<Bool?>(nil)

    static func hasThaiCollation(_ db: any SQLDatabase) async throws -> Bool {
        if let known = thaiCollation.withLockedValue({ $0 }) { return known }
        struct Row: Decodable { let n: Int }
        let found = try await db.raw("SELECT count(*)::int AS n FROM pg_collation WHERE collname = 'th-TH-x-icu'").first(decoding: Row.self)?.n ?? 0
        thaiCollation.withLockedValue { $0 = found > 0 }
        return found > 0
    }

    /// `column->key = value`: compared as JSON on PostgreSQL, as SQLite's scalar otherwise.
    static func equals(_ db: any SQLDatabase, column: String, key: String, value: FieldValue) -> SQLQueryString {
        let json = value.json
        let left = extract(db, column: column, key: key)
        if isPostgres(db) { return "\(left) = CAST(\(bind: json.jsonText) AS jsonb)" }
        switch json {
        case .number(let n): return "\(left) = \(bind: NSDecimalNumber(decimal: n).doubleValue)"
        case .bool(let b): return "\(left) = \(bind: b ? 1 : 0)"
        case .string(let s): return "\(left) = \(bind: s)"
        default: return "\(left) = json(\(bind: json.jsonText))"
        }
    }
}
