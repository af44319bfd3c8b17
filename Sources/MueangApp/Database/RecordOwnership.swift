import Fluent
import SQLKit

/// On PostgreSQL, a record's tenant and dataset are checked once per statement instead of by
/// two row-by-row foreign keys. A foreign key runs a query for every row it checks, and for a
/// million-row import those queries cost more than storing the rows. The statement trigger
/// checks every new or changed row at once against `datasets`, and checks more than the foreign
/// keys did: the record's tenant must be its dataset's tenant. Like a foreign key it keeps the
/// datasets it relied on from being deleted until the transaction ends (`FOR KEY SHARE`), and a
/// dataset, or its tenant, cannot be deleted or changed while records point to it.
/// SQLite checks a foreign key with one index lookup and keeps them.
/// It can run again (a restored backup may carry a log of migrations from before it).
struct M0008RecordOwnership: AsyncMigration {
    var name: String { "0008_record_ownership" }

    static let rowsTriggers = ["dataset_records_belong_insert", "dataset_records_belong_update"]

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql) else { return }
        // Partitioned by `0009_record_partitions`, which checks ownership its own way.
        if try await M0009RecordPartitions.isPartitioned(sql) { return }
        try await sql.raw("""
            DO $$ DECLARE c record; BEGIN
              FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'dataset_records'::regclass AND contype = 'f' LOOP
                EXECUTE format('ALTER TABLE dataset_records DROP CONSTRAINT %I', c.conname);
              END LOOP;
            END $$
            """).run()
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION dataset_records_belong() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              -- Lock first, as a foreign key does: a dataset deleted meanwhile is then not found.
              PERFORM 1 FROM datasets WHERE id IN (SELECT DISTINCT dataset_id FROM new_rows) FOR KEY SHARE;
              IF EXISTS (SELECT 1 FROM (SELECT DISTINCT tenant_id, dataset_id FROM new_rows) n
                         WHERE NOT EXISTS (SELECT 1 FROM datasets d WHERE d.id = n.dataset_id AND d.tenant_id = n.tenant_id)) THEN
                RAISE EXCEPTION 'a record must belong to an existing dataset of its own tenant'
                  USING ERRCODE = 'foreign_key_violation';
              END IF;
              RETURN NULL;
            END $$
            """).run()
        for (trigger, event) in zip(Self.rowsTriggers, ["INSERT", "UPDATE"]) {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger) ON dataset_records").run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: trigger) AFTER \(unsafeRaw: event) ON dataset_records
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dataset_records_belong()
                """).run()
        }
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION datasets_keep_records() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.tenant_id <> OLD.tenant_id)
                 AND EXISTS (SELECT 1 FROM dataset_records WHERE tenant_id = OLD.tenant_id AND dataset_id = OLD.id) THEN
                RAISE EXCEPTION 'dataset % still has records', OLD.id USING ERRCODE = 'foreign_key_violation';
              END IF;
              RETURN NULL;
            END $$
            """).run()
        try await sql.raw("DROP TRIGGER IF EXISTS datasets_keep_records ON datasets").run()
        try await sql.raw("""
            CREATE TRIGGER datasets_keep_records AFTER DELETE OR UPDATE OF id, tenant_id ON datasets
            FOR EACH ROW EXECUTE FUNCTION datasets_keep_records()
            """).run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, JSONPath.isPostgres(sql) else { return }
        try await sql.raw("DROP TRIGGER IF EXISTS datasets_keep_records ON datasets").run()
        try await sql.raw("DROP FUNCTION IF EXISTS datasets_keep_records()").run()
        for trigger in Self.rowsTriggers { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger) ON dataset_records").run() }
        try await sql.raw("DROP FUNCTION IF EXISTS dataset_records_belong()").run()
        try await sql.raw("ALTER TABLE dataset_records ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id)").run()
        try await sql.raw("ALTER TABLE dataset_records ADD FOREIGN KEY (dataset_id) REFERENCES datasets (id)").run()
    }
}
