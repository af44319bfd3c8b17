import Fluent
import SQLKit
import FluentSQLiteDriver
import FluentPostgresDriver
import Foundation
import Datasets
import ThaiConventions

extension ImportService {
    /// A row of the file that changes an existing record (matched by the import's key): its
    /// record and its cells by field. Kept in file order until its batch is written.
    struct KeyUpdate: Sendable {
        let id: UUID
        let texts: [String: String]
    }

    /// Rows that update existing records, written together.
    static let updateBatchSize = 1000

    /// Writes a batch of updates by key exactly as `DatasetService.save` writes each one
    /// (action "import"), in as few statements as the engine allows: the records read in one
    /// query, merged in memory in file order (a record updated twice takes both, in order),
    /// then their versions, the records, their keys and their typed rows each in bulk.
    /// Runs inside the import's transaction; records this file added must be written first.
    struct KeyUpdater: Sendable {
        let tx: TenantScope
        let dataset: Dataset
        let schema: DatasetSchema
        let validator: RecordValidator
        let actor: String
        let at: Date
        let columns: ValueColumns?
        /// SQLite's C interface on the transaction's connection, on SQLite.
        let lite: SQLiteBulk?

        var isPostgres: Bool { (tx.db as? any SQLDatabase).map { JSONPath.isPostgres($0) } ?? false }

        /// A record as the batch reads and changes it (plain values: a Fluent model costs more
        /// in reflection, per record, than the rest of its update).
        struct Record: Decodable {
            let id: UUID
            var version: Int
            var values_json: String
            let created_at: Date
            let updated_by: String
            let deleted: Int
            var search_text = ""
            enum CodingKeys: String, CodingKey { case id, version, values_json, created_at, updated_by, deleted }
        }

        /// A row of `record_versions`.
        struct Version {
            let id = UUID()
            let recordID: UUID
            let version: Int
            let action: String
            let valuesJSON: String
            let deleted: Bool
            let actor: String
            let at: Date
        }

        /// A row of `record_keys`.
        struct Key {
            let id = UUID()
            let fieldKey: String
            let valueKey: String
            let recordID: UUID
        }

        /// Writes the rows' changes; answers how many rows changed nothing.
        func write(_ updates: [KeyUpdate]) async throws -> Int {
            guard !updates.isEmpty else { return 0 }
            guard let sql = tx.db as? any SQLDatabase else { preconditionFailure("imports run on PostgreSQL or SQLite") }
            let did = try dataset.requireID()
            // The records, in the order the file first names them.
            var order: [UUID] = []
            var seen: Set<UUID> = []
            for u in updates where seen.insert(u.id).inserted { order.append(u.id) }
            var records: [UUID: Record] = [:]
            for part in order.chunks(of: 500) {
                for r in try await sql.raw("""
                    SELECT id, version, values_json, created_at, updated_by, CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS deleted
                    FROM dataset_records WHERE tenant_id = \(bind: tx.tenantID) AND dataset_id = \(bind: did) AND id IN (\(binds: Array(part)))
                    """).all(decoding: Record.self) {
                    records[r.id] = r
                }
            }
            // Records at their first version that already have version rows (not imported in bulk).
            let atFirst = order.filter { records[$0]?.version == 1 }
            var hasVersions: Set<UUID> = []
            struct Owner: Decodable { let record_id: UUID }
            for part in atFirst.chunks(of: 500) {
                for v in try await sql.raw("SELECT DISTINCT record_id FROM record_versions WHERE tenant_id = \(bind: tx.tenantID) AND record_id IN (\(binds: Array(part)))")
                    .all(decoding: Owner.self) {
                    hasVersions.insert(v.record_id)
                }
            }

            var versions: [Version] = []
            versions.reserveCapacity(updates.count + atFirst.count)
            var finalValues: [UUID: RecordValues] = [:]
            var unchanged = 0
            for u in updates {
                // As `DatasetService.record` finds it: a record in the trash is not there.
                guard var r = records[u.id], r.deleted == 0 else { throw AppError.notFound }
                let merged = validator.validate(.text(u.texts), existing: try schema.decodeValues(fromJSON: r.values_json))
                let json = try DatasetService.encode(merged.values, schema)
                // As `DatasetService.save`: a row that changes nothing is no new version.
                if json == r.values_json { unchanged += 1; continue }
                // As `DatasetService.save`: an imported record's first version (`DatasetService.firstVersion`)
                // is written down before it changes.
                if r.version == 1 && !hasVersions.contains(u.id) {
                    versions.append(Version(recordID: u.id, version: 1, action: "import", valuesJSON: r.values_json, deleted: false,
                                            actor: r.updated_by, at: r.created_at))
                    hasVersions.insert(u.id)
                }
                r.version += 1
                r.values_json = json
                r.search_text = DatasetService.searchText(merged.values)
                versions.append(Version(recordID: u.id, version: r.version, action: "import", valuesJSON: json, deleted: false, actor: actor, at: at))
                records[u.id] = r
                finalValues[u.id] = merged.values
            }
            // Only records a row changed are written again.
            let written = order.filter { finalValues[$0] != nil }
            guard !written.isEmpty else { return unchanged }
            let changed = written.map { records[$0]! }
            let keys = written.flatMap { id in
                validator.uniqueKeys(of: finalValues[id]!).map { Key(fieldKey: $0.field, valueKey: $0.valueKey, recordID: id) }
            }
            let typed = written.map { (id: $0, values: finalValues[$0]!) }
            if isPostgres, let copy = try await PostgresCopy.on(tx.db) {
                try await writePostgres(versions, changed, written, keys, typed, sql, copy)
            } else if let rows = SQLiteRows.on(tx.db) {
                try await writeSQLite(versions, changed, written, keys, typed, sql, rows)
            } else {
                preconditionFailure("imports run on PostgreSQL or SQLite")
            }
            return unchanged
        }

        private func writePostgres(_ versions: [Version], _ changed: [Record], _ ids: [UUID], _ keys: [Key],
                                   _ typed: [(id: UUID, values: RecordValues)], _ sql: any SQLDatabase, _ copy: PostgresCopy) async throws {
            let did = try dataset.requireID()
            let tenant = PostgresCopy.hex(tx.tenantID), dataset = PostgresCopy.hex(did)
            try await copy.copy(into: RecordVersion.schema, columns: Self.versionColumns, count: versions.count) { i, line in
                let v = versions[i]
                line.field(id: v.id); line.field(tenant); line.field(dataset); line.field(id: v.recordID)
                line.field(String(v.version)); line.field(v.action); line.field(v.valuesJSON); line.field(v.deleted ? "t" : "f")
                line.field(v.actor); line.field(PostgresCopy.timestamp(v.at))
            }
            // Into the dataset's own partition (`M0009RecordPartitions`), matched by its primary key.
            let partition = M0009RecordPartitions.partition(of: did)
            try await sql.raw("""
                UPDATE \(unsafeRaw: partition) AS r SET version = v.version, values_json = v.values_json, search_text = v.search_text,
                  deleted_at = NULL, updated_at = \(bind: at), updated_by = \(bind: actor)
                FROM unnest(\(bind: changed.map(\.id))::uuid[], \(bind: changed.map(\.version))::bigint[],
                            \(bind: changed.map(\.values_json))::text[], \(bind: changed.map(\.search_text))::text[]) AS v(id, version, values_json, search_text)
                WHERE r.id = v.id
                """).run()
            try await sql.raw("DELETE FROM record_keys WHERE record_id = ANY(\(bind: ids)::uuid[]) AND tenant_id = \(bind: tx.tenantID)").run()
            try await copy.copy(into: RecordKey.schema, columns: Self.keyColumns, count: keys.count) { i, line in
                let k = keys[i]
                line.field(id: k.id); line.field(tenant); line.field(dataset)
                line.field(k.fieldKey); line.field(k.valueKey); line.field(id: k.recordID)
            }
            if let columns {
                try await sql.raw("DELETE FROM \(unsafeRaw: columns.table) WHERE record_id = ANY(\(bind: ids)::uuid[])").run()
                try await columns.copy(typed.map { ($0.id, $0.values, nil) }, with: copy)
            }
        }

        private func writeSQLite(_ versions: [Version], _ changed: [Record], _ ids: [UUID], _ keys: [Key],
                                 _ typed: [(id: UUID, values: RecordValues)], _ sql: any SQLDatabase, _ rows: SQLiteRows) async throws {
            let tenant = SQLiteRows.uuid(tx.tenantID), dataset = SQLiteRows.uuid(try self.dataset.requireID())
            try await rows.insert(into: RecordVersion.schema, columns: Self.versionColumns, count: versions.count) { i, binds in
                let v = versions[i]
                binds.append(SQLiteRows.uuid(v.id)); binds.append(tenant); binds.append(dataset)
                binds.append(SQLiteRows.uuid(v.recordID)); binds.append(.integer(v.version)); binds.append(.text(v.action))
                binds.append(.text(v.valuesJSON)); binds.append(.integer(v.deleted ? 1 : 0)); binds.append(.text(v.actor))
                binds.append(SQLiteRows.date(v.at))
            }
            let stamp = SQLiteRows.date(at), by = SQLiteData.text(actor)
            let statement = "UPDATE dataset_records SET version = ?, values_json = ?, search_text = ?, deleted_at = NULL, updated_at = ?, updated_by = ? WHERE id = ? AND tenant_id = ?"
            if let lite {
                let tenantText = tx.tenantID.uuidString, stampValue = at.timeIntervalSince1970, actor = self.actor
                let work = changed.map { (id: $0.id.uuidString, version: Int64($0.version), json: $0.values_json, search: $0.search_text) }
                try await lite.run {
                    let update = try SQLiteBulk.Statement(statement, on: lite.handle)
                    update.real(4, stampValue); update.text(5, copying: actor); update.text(7, copying: tenantText)
                    for w in work {
                        update.integer(1, w.version); update.text(2, copying: w.json); update.text(3, copying: w.search); update.text(6, copying: w.id)
                        try update.step()
                    }
                }
            } else {
                for r in changed {
                    _ = try await rows.db.query(statement, [.integer(r.version), .text(r.values_json), .text(r.search_text), stamp, by, SQLiteRows.uuid(r.id), tenant])
                }
            }
            for part in ids.chunks(of: 500) {
                _ = try await rows.db.query("DELETE FROM record_keys WHERE record_id IN (" + Array(repeating: "?", count: part.count).joined(separator: ", ") + ") AND tenant_id = ?",
                                            part.map(SQLiteRows.uuid) + [tenant])
            }
            try await rows.insert(into: RecordKey.schema, columns: Self.keyColumns, count: keys.count) { i, binds in
                let k = keys[i]
                binds.append(SQLiteRows.uuid(k.id)); binds.append(tenant); binds.append(dataset)
                binds.append(.text(k.fieldKey)); binds.append(.text(k.valueKey)); binds.append(SQLiteRows.uuid(k.recordID))
            }
            if let columns { try await columns.put(typed) }
        }

        static let versionColumns = ["id", "tenant_id", "dataset_id", "record_id", "version", "action", "values_json", "deleted", "actor", "at"]
        static let keyColumns = ["id", "tenant_id", "dataset_id", "field_key", "value_key", "record_id"]
    }
}
