import Fluent
import SQLKit
import Foundation

/// A model whose rows belong to one tenant.
public protocol TenantOwned: Model where IDValue == UUID {
    var tenantID: UUID { get set }
    static func onlyTenant(_ query: QueryBuilder<Self>, _ tenantID: UUID) -> QueryBuilder<Self>
}

extension Division: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<Division>, _ id: UUID) -> QueryBuilder<Division> { q.filter(\.$tenantID == id) }
}
extension Village: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<Village>, _ id: UUID) -> QueryBuilder<Village> { q.filter(\.$tenantID == id) }
}
extension UserDivision: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<UserDivision>, _ id: UUID) -> QueryBuilder<UserDivision> { q.filter(\.$tenantID == id) }
}
extension UserVillage: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<UserVillage>, _ id: UUID) -> QueryBuilder<UserVillage> { q.filter(\.$tenantID == id) }
}
extension TenantAsset: TenantOwned {
    public static func onlyTenant(_ q: QueryBuilder<TenantAsset>, _ id: UUID) -> QueryBuilder<TenantAsset> { q.filter(\.$tenantID == id) }
}

/// The one door to a tenant's data. Every query for tenant-owned rows is built here, so a
/// handler cannot forget the tenant filter and an id from another tenant simply finds nothing.
public struct TenantScope: Sendable {
    public let tenantID: UUID
    public let db: any Database

    public init(tenantID: UUID, db: any Database) {
        self.tenantID = tenantID
        self.db = db
    }

    public func query<M: TenantOwned>(_ type: M.Type) -> QueryBuilder<M> {
        M.onlyTenant(M.query(on: db), tenantID)
    }

    public func find<M: TenantOwned>(_ type: M.Type, _ id: UUID?) async throws -> M? {
        guard let id else { return nil }
        return try await query(type).filter(\M._$id == id).first()
    }

    public func create<M: TenantOwned>(_ model: M) async throws {
        model.tenantID = tenantID
        try await model.create(on: db)
    }

    /// Users are tenant rows too, but operators have no tenant, so the column is optional.
    public func users() -> QueryBuilder<User> {
        User.query(on: db).filter(\.$tenantID == tenantID)
    }

    public func user(_ id: UUID?) async throws -> User? {
        guard let id else { return nil }
        return try await users().filter(\.$id == id).first()
    }

    public func auditEntries() -> QueryBuilder<AuditEntry> {
        AuditEntry.query(on: db).filter(\.$tenantID == tenantID)
    }

    public func apiTokens() -> QueryBuilder<APIToken> {
        APIToken.query(on: db).filter(\.$tenantID == tenantID)
    }

    public func withDatabase(_ db: any Database) -> TenantScope { TenantScope(tenantID: tenantID, db: db) }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (TenantScope) async throws -> T) async throws -> T {
        let tenantID = self.tenantID
        return try await Self.writeTransaction(on: db) { tx in try await body(TenantScope(tenantID: tenantID, db: tx)) }
    }

    /// A transaction that will write. On SQLite its first statement takes the write lock: a
    /// deferred transaction that reads first cannot write once another connection has committed
    /// ("busy snapshot"); one that holds the lock from the start waits its turn instead.
    /// Inside an open transaction it simply runs `body` there.
    public static func writeTransaction<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if db.inTransaction { return try await body(db) }
        return try await db.transaction { tx in
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "sqlite" {
                try await sql.raw("UPDATE tenants SET slug = slug WHERE 0").run()
            }
            return try await body(tx)
        }
    }
}
