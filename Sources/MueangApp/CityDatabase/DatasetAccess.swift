import Foundation
import Datasets

/// Who may see and change which dataset (PRODUCT.md section 8): admins everything; staff the
/// datasets of their divisions; executives read everything; volunteers read the records of
/// their own villages. Everything else is denied.
struct DatasetAccess: Sendable {
    let user: CurrentUser

    func canRead(_ d: Dataset) -> Bool {
        switch user.role {
        case .operator, .admin, .executive: true
        case .staff: d.divisionID.map(user.divisionIDs.contains) ?? false
        case .volunteer: true   // narrowed to their villages' records by `villageScope`
        }
    }

    func canWrite(_ d: Dataset) -> Bool {
        switch user.role {
        case .operator, .admin: true
        case .staff: d.divisionID.map(user.divisionIDs.contains) ?? false
        case .executive, .volunteer: false
        }
    }

    /// A new dataset may be owned by a division the person works in (admins: any, or none).
    func canCreate(divisionID: UUID?) -> Bool {
        switch user.role {
        case .operator, .admin: true
        case .staff: divisionID.map(user.divisionIDs.contains) ?? false
        case .executive, .volunteer: false
        }
    }

    /// For volunteers: the village field that limits what they see, and their villages.
    /// A dataset without a village field shows them nothing.
    func villageScope(_ schema: DatasetSchema) -> (field: FieldDefinition?, villages: Set<UUID>)? {
        guard user.role == .volunteer else { return nil }
        return (schema.activeFields.first { $0.type == .village }, user.villageIDs)
    }
}
