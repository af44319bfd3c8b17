import Fluent
import Vapor
import ThaiConventions

/// Creating tenants, people and tokens: shared by the command line, the demo and the web pages,
/// so each rule (slug shape, role scope, password length) lives in one place.
public struct PlatformService: Sendable {
    public let db: any Database
    public let passwordCost: Int

    public init(db: any Database, passwordCost: Int) {
        self.db = db
        self.passwordCost = passwordCost
    }

    public struct NewTenant: Sendable {
        public var slug: String
        public var nameTH: String
        public var nameEN: String
        public var kind: TenantKind
        public var provinceCode = "", provinceName = "", districtCode = "", districtName = "", subdistrictCode = "", subdistrictName = ""
        public var latitude: Double
        public var longitude: Double
        public var areaKm2: Double?
        public var primaryColor = "#1d4f91"
        public var accentColor = "#f2a900"
        public var modules: [PlatformModule] = PlatformModule.allCases
        public var defaultLanguage: Language = .th

        public init(slug: String, nameTH: String, nameEN: String, kind: TenantKind, latitude: Double, longitude: Double) {
            self.slug = slug
            self.nameTH = nameTH
            self.nameEN = nameEN
            self.kind = kind
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public static func validateSlug(_ slug: String) throws {
        let ok = (2...40).contains(slug.count) && slug.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && slug.first != "-" && slug.last != "-"
        guard ok else {
            throw AppError.invalid(th: "ชื่อย่อ (slug) ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข หรือขีด 2-40 ตัว", en: "A slug must be 2-40 lowercase letters, digits or hyphens.")
        }
    }

    public static func validateColor(_ color: String) throws {
        let hex = color.hasPrefix("#") ? color.dropFirst() : Substring(color)
        guard color.hasPrefix("#"), hex.count == 6, hex.allSatisfy(\.isHexDigit) else {
            throw AppError.invalid(th: "สีต้องอยู่ในรูปแบบ #RRGGBB", en: "A colour must look like #RRGGBB.")
        }
    }

    @discardableResult
    public func createTenant(_ t: NewTenant) async throws -> Tenant {
        try Self.validateSlug(t.slug)
        guard !t.nameTH.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.invalid(th: "ต้องระบุชื่อภาษาไทย", en: "The Thai name is required.")
        }
        guard (-90...90).contains(t.latitude), (-180...180).contains(t.longitude) else {
            throw AppError.invalid(th: "พิกัดศูนย์กลางไม่ถูกต้อง", en: "The centre point is out of range.")
        }
        if try await Tenant.query(on: db).filter(\.$slug == t.slug).first() != nil {
            throw AppError(.conflict, th: "มีเทศบาลที่ใช้ชื่อย่อ \(t.slug) แล้ว", en: "A municipality with slug \(t.slug) already exists.")
        }
        let tenant = Tenant()
        tenant.slug = t.slug
        tenant.nameTH = t.nameTH
        tenant.nameEN = t.nameEN
        tenant.kind = t.kind.rawValue
        tenant.provinceCode = t.provinceCode
        tenant.provinceName = t.provinceName
        tenant.districtCode = t.districtCode
        tenant.districtName = t.districtName
        tenant.subdistrictCode = t.subdistrictCode
        tenant.subdistrictName = t.subdistrictName
        tenant.centreLatitude = t.latitude
        tenant.centreLongitude = t.longitude
        tenant.areaKm2 = t.areaKm2
        tenant.displayNameTH = t.nameTH
        tenant.displayNameEN = t.nameEN
        tenant.primaryColor = t.primaryColor
        tenant.accentColor = t.accentColor
        tenant.modules = t.modules.map(\.rawValue).joined(separator: ",")
        tenant.defaultLanguage = t.defaultLanguage.rawValue
        tenant.createdAt = Date()
        try await tenant.create(on: db)
        return tenant
    }

    public func tenant(slug: String) async throws -> Tenant {
        guard let t = try await Tenant.query(on: db).filter(\.$slug == slug).first() else { throw AppError.unknownTenant }
        return t
    }

    public struct NewUser: Sendable {
        public var username: String
        public var displayName: String
        public var password: String
        public var role: Role
        public var divisionSlugs: [String] = []
        public var villageIDs: [UUID] = []

        public init(username: String, displayName: String, password: String, role: Role) {
            self.username = username
            self.displayName = displayName
            self.password = password
            self.role = role
        }
    }

    public static func validateUsername(_ name: String) throws {
        let ok = (2...64).contains(name.count) && name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)
        }
        guard ok else {
            throw AppError.invalid(th: "ชื่อผู้ใช้ต้องมี 2-64 ตัว เป็นตัวอักษร ตัวเลข จุด ขีด หรือขีดล่าง", en: "A username must be 2-64 letters, digits, dots, hyphens or underscores.")
        }
    }

    public static func validatePassword(_ pw: String) throws {
        guard pw.count >= 8, pw.count <= 128 else {
            throw AppError.invalid(th: "รหัสผ่านต้องยาว 8-128 ตัวอักษร", en: "A password must be 8-128 characters long.")
        }
    }

    /// Creates a user of `tenant` (nil only for an operator) with its division or village scope.
    @discardableResult
    public func createUser(_ u: NewUser, tenant: Tenant?) async throws -> User {
        try Self.validateUsername(u.username)
        try Self.validatePassword(u.password)
        if u.role == .operator, tenant != nil {
            throw AppError.invalid(th: "ผู้ดูแลแพลตฟอร์มไม่สังกัดเทศบาลใด", en: "A platform operator belongs to no municipality.")
        }
        if u.role != .operator, tenant == nil {
            throw AppError.invalid(th: "ต้องระบุเทศบาลของผู้ใช้", en: "A municipality is required for this role.")
        }
        let tenantID = try tenant?.requireID()
        if try await User.query(on: db).filter(\.$tenantID == tenantID).filter(\.$username == u.username).first() != nil {
            throw AppError(.conflict, th: "มีชื่อผู้ใช้ \(u.username) แล้ว", en: "The username \(u.username) is taken.")
        }
        let hash = try Bcrypt.hash(u.password, cost: passwordCost)
        return try await TenantScope.writeTransaction(on: db) { tx in
            let user = User()
            user.tenantID = tenantID
            user.username = u.username
            user.displayName = u.displayName.isEmpty ? u.username : u.displayName
            user.passwordHash = hash
            user.role = u.role.rawValue
            user.isActive = true
            user.createdAt = Date()
            try await user.create(on: tx)
            if let tenantID {
                let scope = TenantScope(tenantID: tenantID, db: tx)
                for slug in u.divisionSlugs {
                    guard let division = try await scope.query(Division.self).filter(\.$slug == slug).first() else {
                        throw AppError.invalid(th: "ไม่พบกอง \(slug)", en: "No division \(slug).")
                    }
                    let link = UserDivision()
                    link.userID = try user.requireID()
                    link.divisionID = try division.requireID()
                    try await scope.create(link)
                }
                for villageID in u.villageIDs {
                    guard try await scope.find(Village.self, villageID) != nil else {
                        throw AppError.invalid(th: "ไม่พบหมู่บ้าน/ชุมชนที่เลือก", en: "The chosen village does not exist.")
                    }
                    let link = UserVillage()
                    link.userID = try user.requireID()
                    link.villageID = villageID
                    try await scope.create(link)
                }
            }
            return user
        }
    }

    /// Issues a bearer token for `user` and returns its only clear-text copy.
    public func createToken(for user: User, name: String) async throws -> String {
        let token = "mueang_" + Secrets.randomToken()
        let record = APIToken()
        record.tenantID = user.tenantID
        record.userID = try user.requireID()
        record.name = name
        record.tokenHash = Secrets.digest(token)
        record.createdAt = Date()
        try await record.create(on: db)
        return token
    }
}
