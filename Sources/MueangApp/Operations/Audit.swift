import Vapor
import Fluent

/// Writes the audit log. Called for every write and every read of personal data.
public enum Audit {
    public static func record(on db: any Database, tenantID: UUID?, user: CurrentUser?, actor: String? = nil,
                              action: String, objectType: String, objectID: String? = nil,
                              summary: String, personalData: Bool = false, ip: String? = nil, requestID: String? = nil) async throws {
        let entry = AuditEntry()
        entry.tenantID = tenantID
        entry.userID = user?.id
        entry.actor = actor ?? user?.username ?? "-"
        entry.action = action
        entry.objectType = objectType
        entry.objectID = objectID
        entry.summary = String(summary.prefix(500))
        entry.personalData = personalData
        entry.ip = ip
        entry.requestID = requestID
        entry.at = Date()
        try await entry.create(on: db)
    }
}

extension Request {
    /// Records an act of the current request in its tenant's audit log.
    func audit(_ action: String, _ objectType: String, id: String? = nil, _ summary: String,
               personalData: Bool = false, on db: (any Database)? = nil, tenantID: UUID? = nil) async throws {
        let ctx = storage[TenantContextKey.self]
        try await Audit.record(on: db ?? self.db, tenantID: tenantID ?? ctx?.tenant.id, user: currentUser,
                               action: action, objectType: objectType, objectID: id, summary: summary,
                               personalData: personalData, ip: clientIP, requestID: requestID)
    }
}
