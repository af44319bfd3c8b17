import Foundation
import Fluent
import SQLKit

/// On PostgreSQL, `dataset_records` is partitioned by dataset: each dataset's records live in
/// their own table (`dataset_records_<dataset id in hex>`), made and dropped with the dataset
/// by a trigger on `datasets`.
///
/// Why: a million-row import into one shared table paid, per row, for a shared index on
/// (tenant, dataset, deleted) and for the statement trigger of `0008_record_ownership` (which
/// copies every new row aside to check it), together more than the rows themselves. In a
/// partition the dataset is given by where the row is, so neither is needed: a record whose
/// dataset does not exist has no partition to go to and is refused, and each partition checks
/// the record's tenant against its dataset's with a plain `CHECK`. A dataset with records
/// still cannot be deleted or moved to another tenant (`datasets_keep_records`).
/// A new partition is attached rather than created in place, so making a dataset does not
/// stop reads and writes of other datasets' records. It can run again (a restored backup may
/// carry a log of migrations from before it). SQLite keeps one table.
struct M0009RecordPartitions: AsyncMigration {
    var name: String { "0009_record_partitions" }

    static let unpartitioned = "dataset_records_unpartitioned"

    /// A dataset's partition, named as `dataset_records_attach` names it.
    static func partition(of dataset: UUID) -> String { "dataset_records_" + PostgresCopy.hex(dataset) }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql) else { return }
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION dataset_records_attach(dataset uuid, tenant uuid) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE part text := 'dataset_records_' || replace(dataset::text, '-', '');
            BEGIN
              EXECUTE format('CREATE TABLE %I (LIKE dataset_records INCLUDING DEFAULTS)', part);
              EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id), ADD CONSTRAINT %I CHECK (dataset_id = %L), ADD CONSTRAINT %I CHECK (tenant_id = %L)',
                             part, part || '_dataset', dataset, part || '_tenant', tenant);
              EXECUTE format('ALTER TABLE dataset_records ATTACH PARTITION %I FOR VALUES IN (%L)', part, dataset);
            END $$
            """).run()
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION dataset_records_partition() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id THEN RETURN NULL; END IF;
              IF TG_OP IN ('UPDATE', 'DELETE') THEN
                EXECUTE format('DROP TABLE IF EXISTS %I', 'dataset_records_' || replace(OLD.id::text, '-', ''));
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM dataset_records_attach(NEW.id, NEW.tenant_id); END IF;
              RETURN NULL;
            END $$
            """).run()
        if try await !Self.isPartitioned(sql) {
            try await sql.raw("ALTER TABLE dataset_records RENAME TO \(unsafeRaw: Self.unpartitioned)").run()
            try await sql.raw("CREATE TABLE dataset_records (LIKE \(unsafeRaw: Self.unpartitioned) INCLUDING DEFAULTS) PARTITION BY LIST (dataset_id)").run()
            // A partition for every dataset, as the trigger would have made it.
            try await sql.raw("SELECT dataset_records_attach(id, tenant_id) FROM datasets").run()
            try await sql.raw("INSERT INTO dataset_records SELECT * FROM \(unsafeRaw: Self.unpartitioned)").run()
            try await sql.raw("DROP TABLE \(unsafeRaw: Self.unpartitioned)").run()
        }
        // The statement trigger of 0008 went with the old table; its function is not needed.
        try await sql.raw("DROP FUNCTION IF EXISTS dataset_records_belong()").run()
        try await sql.raw("DROP TRIGGER IF EXISTS datasets_records_partition ON datasets").run()
        try await sql.raw("""
            CREATE TRIGGER datasets_records_partition AFTER INSERT OR DELETE OR UPDATE OF id, tenant_id ON datasets
            FOR EACH ROW EXECUTE FUNCTION dataset_records_partition()
            """).run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql), try await Self.isPartitioned(sql) else { return }
        try await sql.raw("DROP TRIGGER IF EXISTS datasets_records_partition ON datasets").run()
        try await sql.raw("DROP FUNCTION IF EXISTS dataset_records_partition()").run()
        try await sql.raw("DROP FUNCTION IF EXISTS dataset_records_attach(uuid, uuid)").run()
        try await sql.raw("CREATE TABLE \(unsafeRaw: Self.unpartitioned) (LIKE dataset_records INCLUDING DEFAULTS)").run()
        try await sql.raw("INSERT INTO \(unsafeRaw: Self.unpartitioned) SELECT * FROM dataset_records").run()
        try await sql.raw("DROP TABLE dataset_records").run()   // with its partitions
        try await sql.raw("ALTER TABLE \(unsafeRaw: Self.unpartitioned) RENAME TO dataset_records").run()
        try await sql.raw("ALTER TABLE dataset_records ADD PRIMARY KEY (id)").run()
        try await sql.raw("CREATE INDEX dataset_records_list ON dataset_records (tenant_id, dataset_id, deleted_at)").run()
        try await M0008RecordOwnership().prepare(on: db)
    }

    static func isPartitioned(_ sql: any SQLDatabase) async throws -> Bool {
        struct Row: Decodable { let partitioned: Bool }
        return try await sql.raw("SELECT relkind = 'p' AS partitioned FROM pg_class WHERE oid = 'dataset_records'::regclass")
            .first(decoding: Row.self)?.partitioned ?? false
    }
}

/// The typed columns of every dataset built again on PostgreSQL, with the BRIN index that
/// `ValueColumns.create` now gives them instead of a primary key.
struct M0010ValueColumnsBRIN: AsyncMigration {
    var name: String { "0010_value_columns_brin" }

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql) else { return }
        try await ValueColumns.rebuildAll(on: db)
    }

    func revert(on db: any Database) async throws {}
}
