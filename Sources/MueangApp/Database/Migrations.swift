import Fluent
import SQLKit

// Append-only: a landed migration is never edited; changes come as new numbered migrations.

enum Migrations {
    static let all: [any AsyncMigration] = [M0001Platform(), M0002Audit(), M0003Datasets(), M0005RecordFiles(), M0006ValueColumns(), M0007ValueColumnsByPosition(), M0008RecordOwnership(),
                                               M0009RecordPartitions(), M0010ValueColumnsBRIN(), M0011RecordListByID(), M0012RecordKeysByRecord()]
}

struct M0001Platform: AsyncMigration {
    var name: String { "0001_platform" }

    func prepare(on db: any Database) async throws {
        try await db.schema(Tenant.schema)
            .id()
            .field("slug", .string, .required).unique(on: "slug")
            .field("name_th", .string, .required)
            .field("name_en", .string, .required)
            .field("kind", .string, .required)
            .field("province_code", .string, .required)
            .field("province_name", .string, .required)
            .field("district_code", .string, .required)
            .field("district_name", .string, .required)
            .field("subdistrict_code", .string, .required)
            .field("subdistrict_name", .string, .required)
            .field("centre_lat", .double, .required)
            .field("centre_lon", .double, .required)
            .field("area_km2", .double)
            .field("display_name_th", .string, .required)
            .field("display_name_en", .string, .required)
            .field("primary_color", .string, .required)
            .field("accent_color", .string, .required)
            .field("modules", .string, .required)
            .field("default_language", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(Division.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("slug", .string, .required)
            .field("name_th", .string, .required)
            .field("name_en", .string, .required)
            .field("sort_order", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "slug")
            .create()
        try await db.schema(Village.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("kind", .string, .required)
            .field("number", .int)
            .field("name_th", .string, .required)
            .field("name_en", .string, .required)
            .field("boundary_geojson", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(User.schema)
            .id()
            .field("tenant_id", .uuid, .references(Tenant.schema, "id"))
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "username")
            .create()
        try await db.schema(UserDivision.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("division_id", .uuid, .required, .references(Division.schema, "id", onDelete: .cascade))
            .unique(on: "user_id", "division_id")
            .create()
        try await db.schema(UserVillage.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("village_id", .uuid, .required, .references(Village.schema, "id", onDelete: .cascade))
            .unique(on: "user_id", "village_id")
            .create()
        try await db.schema(LoginSession.schema)
            .id()
            .field("tenant_id", .uuid, .references(Tenant.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("ip", .string)
            .create()
        try await db.schema(APIToken.schema)
            .id()
            .field("tenant_id", .uuid, .references(Tenant.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required).unique(on: "token_hash")
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
        try await db.schema(TenantAsset.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(Tenant.schema, "id"))
            .field("kind", .string, .required)
            .field("content_type", .string, .required)
            .field("data", .data, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "kind")
            .create()
    }

    func revert(on db: any Database) async throws {
        for schema in [TenantAsset.schema, APIToken.schema, LoginSession.schema, UserVillage.schema,
                       UserDivision.schema, User.schema, Village.schema, Division.schema, Tenant.schema] {
            try await db.schema(schema).delete()
        }
    }
}

struct M0002Audit: AsyncMigration {
    var name: String { "0002_audit" }

    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema)
            .id()
            .field("tenant_id", .uuid, .references(Tenant.schema, "id"))
            .field("user_id", .uuid)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string)
            .field("summary", .string, .required)
            .field("personal_data", .bool, .required)
            .field("ip", .string)
            .field("request_id", .string)
            .field("at", .datetime, .required)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX audit_entries_tenant_at ON audit_entries (tenant_id, at)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema).delete()
    }
}
