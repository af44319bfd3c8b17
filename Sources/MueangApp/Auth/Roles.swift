import Foundation

/// The roles of PRODUCT.md section 8. "public" is the absence of a user.
public enum Role: String, CaseIterable, Sendable, Codable {
    case `operator`, admin, staff, executive, volunteer

    public var label: (th: String, en: String) {
        switch self {
        case .operator: ("ผู้ดูแลแพลตฟอร์ม", "Platform operator")
        case .admin: ("ผู้ดูแลระบบของเทศบาล", "Municipal admin")
        case .staff: ("เจ้าหน้าที่กอง", "Division staff")
        case .executive: ("ผู้บริหาร", "Executive")
        case .volunteer: ("อาสาสมัครสาธารณสุข (อสม.)", "Village health volunteer")
        }
    }
}

/// What a request may do. Routes name the permission they need; anything not granted is denied.
public enum Permission: String, CaseIterable, Sendable {
    case viewTenantInternals      // signed-in pages of a tenant: its divisions, villages lists
    case manageDivisions
    case manageVillages
    case viewUsers                // personal data: names and roles of staff
    case manageUsers
    case manageSettings
    case viewAuditLog
    case manageOwnTokens
    case readDatasets             // the city database, further limited per dataset by division/village
    case editRecords
    case designDatasets
    case purgeRecords             // emptying the trash for good: the municipal admin only
    case operatePlatform
}

extension Role {
    public func allows(_ permission: Permission) -> Bool {
        switch (self, permission) {
        case (.operator, _): true
        case (_, .operatePlatform): false
        case (.admin, _): true
        case (.executive, .viewTenantInternals), (.executive, .viewUsers), (.executive, .manageOwnTokens), (.executive, .readDatasets): true
        case (.staff, .viewTenantInternals), (.staff, .manageOwnTokens), (.staff, .readDatasets), (.staff, .editRecords), (.staff, .designDatasets): true
        case (.volunteer, .viewTenantInternals), (.volunteer, .manageOwnTokens), (.volunteer, .readDatasets): true
        default: false
        }
    }
}

/// The modules a municipality can switch on (PRODUCT.md section 2).
public enum PlatformModule: String, CaseIterable, Sendable {
    case cityDatabase = "city-database"
    case fieldCollection = "field-collection"
    case health
    case dengue
    case signboardTax = "signboard-tax"
    case dashboards
    case requests

    public var label: (th: String, en: String) {
        switch self {
        case .cityDatabase: ("ฐานข้อมูลเมือง", "City database")
        case .fieldCollection: ("เก็บข้อมูลภาคสนาม", "Field collection")
        case .health: ("ข้อมูลสุขภาพ อสม.", "Volunteer health data")
        case .dengue: ("ไข้เลือดออก", "Dengue")
        case .signboardTax: ("ภาษีป้าย", "Signboard tax")
        case .dashboards: ("แดชบอร์ดและข้อมูลเปิด", "Dashboards and open data")
        case .requests: ("คำขอปรับปรุงระบบ", "Improvement requests")
        }
    }

    public static func parseList(_ raw: String) -> [PlatformModule] {
        raw.split(separator: ",").compactMap { PlatformModule(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    }
}

/// Kinds of local government.
public enum TenantKind: String, CaseIterable, Sendable {
    case cityMunicipality = "city"            // เทศบาลนคร
    case townMunicipality = "town"            // เทศบาลเมือง
    case subdistrictMunicipality = "subdistrict" // เทศบาลตำบล
    case sao                                   // องค์การบริหารส่วนตำบล

    public var label: (th: String, en: String) {
        switch self {
        case .cityMunicipality: ("เทศบาลนคร", "City municipality")
        case .townMunicipality: ("เทศบาลเมือง", "Town municipality")
        case .subdistrictMunicipality: ("เทศบาลตำบล", "Subdistrict municipality")
        case .sao: ("องค์การบริหารส่วนตำบล", "Subdistrict administrative organisation")
        }
    }
}
