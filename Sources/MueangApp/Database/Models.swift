import Fluent
import Foundation

// Every table carries `tenant_id` (the tenants table is keyed by it) so a tenant's rows can move
// to their own PostgreSQL schema or shard. Timestamps are plain fields set by the code, not
// `@Timestamp`, so that a restore writes them back exactly as they were.

public final class Tenant: Model, @unchecked Sendable {
    public static let schema = "tenants"
    @ID(key: .id) public var id: UUID?
    @Field(key: "slug") public var slug: String
    @Field(key: "name_th") public var nameTH: String
    @Field(key: "name_en") public var nameEN: String
    @Field(key: "kind") public var kind: String
    @Field(key: "province_code") public var provinceCode: String
    @Field(key: "province_name") public var provinceName: String
    @Field(key: "district_code") public var districtCode: String
    @Field(key: "district_name") public var districtName: String
    @Field(key: "subdistrict_code") public var subdistrictCode: String
    @Field(key: "subdistrict_name") public var subdistrictName: String
    @Field(key: "centre_lat") public var centreLatitude: Double
    @Field(key: "centre_lon") public var centreLongitude: Double
    @OptionalField(key: "area_km2") public var areaKm2: Double?
    @Field(key: "display_name_th") public var displayNameTH: String
    @Field(key: "display_name_en") public var displayNameEN: String
    @Field(key: "primary_color") public var primaryColor: String
    @Field(key: "accent_color") public var accentColor: String
    /// Enabled module keys, comma separated (see `PlatformModule`).
    @Field(key: "modules") public var modules: String
    @Field(key: "default_language") public var defaultLanguage: String
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class Division: Model, @unchecked Sendable {
    public static let schema = "divisions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "slug") public var slug: String
    @Field(key: "name_th") public var nameTH: String
    @Field(key: "name_en") public var nameEN: String
    @Field(key: "sort_order") public var sortOrder: Int
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

/// A village (หมู่ที่ N) or, in towns, a community (ชุมชน).
public final class Village: Model, @unchecked Sendable {
    public static let schema = "villages"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "kind") public var kind: String
    @OptionalField(key: "number") public var number: Int?
    @Field(key: "name_th") public var nameTH: String
    @Field(key: "name_en") public var nameEN: String
    @OptionalField(key: "boundary_geojson") public var boundaryGeoJSON: String?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

/// A person who signs in. Operators belong to the platform (`tenant_id` NULL); everyone else to one tenant.
public final class User: Model, @unchecked Sendable {
    public static let schema = "users"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "role") public var role: String
    @Field(key: "is_active") public var isActive: Bool
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class UserDivision: Model, @unchecked Sendable {
    public static let schema = "user_divisions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "division_id") public var divisionID: UUID
    public init() {}
}

public final class UserVillage: Model, @unchecked Sendable {
    public static let schema = "user_villages"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "village_id") public var villageID: UUID
    public init() {}
}

/// A browser sign-in. Only the SHA-256 of the cookie value is stored.
public final class LoginSession: Model, @unchecked Sendable {
    public static let schema = "login_sessions"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "ip") public var ip: String?
    public init() {}
}

/// A revocable API bearer token. Only the SHA-256 of the token is stored.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    public init() {}
}

/// Who did what, when, from where: every write and every read of personal data.
public final class AuditEntry: Model, @unchecked Sendable {
    public static let schema = "audit_entries"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @OptionalField(key: "user_id") public var userID: UUID?
    @Field(key: "actor") public var actor: String
    @Field(key: "action") public var action: String
    @Field(key: "object_type") public var objectType: String
    @OptionalField(key: "object_id") public var objectID: String?
    @Field(key: "summary") public var summary: String
    @Field(key: "personal_data") public var personalData: Bool
    @OptionalField(key: "ip") public var ip: String?
    @OptionalField(key: "request_id") public var requestID: String?
    @Field(key: "at") public var at: Date
    public init() {}
}

/// Uploaded branding files (the logo), kept in the database so a backup carries them.
public final class TenantAsset: Model, @unchecked Sendable {
    public static let schema = "tenant_assets"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "data") public var data: Data
    @Field(key: "updated_at") public var updatedAt: Date
    public init() {}
}
