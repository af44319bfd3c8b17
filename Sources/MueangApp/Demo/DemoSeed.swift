import Fluent
import Foundation

/// The demo platform: three real municipalities at their real locations, with divisions,
/// villages or communities and one login per role. Everything comes from `seed`, so two runs
/// with the same seed give the same passwords and the same rows.
public struct DemoSeed: Sendable {
    public struct Login: Sendable { public let tenant: String?; public let username: String; public let password: String; public let role: Role }

    public let seed: UInt64
    public init(seed: UInt64 = 2569) { self.seed = seed }

    struct Spec {
        let tenant: PlatformService.NewTenant
        let divisions: [(slug: String, th: String, en: String)]
        let villages: [(kind: String, number: Int?, th: String, en: String)]
    }

    static let tambonDivisions: [(slug: String, th: String, en: String)] = [
        ("office", "สำนักปลัดเทศบาล", "Office of the Municipal Clerk"),
        ("finance", "กองคลัง", "Finance Division"),
        ("engineering", "กองช่าง", "Engineering Division"),
        ("health", "กองสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Division"),
        ("education", "กองการศึกษา", "Education Division"),
        ("welfare", "กองสวัสดิการสังคม", "Social Welfare Division"),
    ]

    static var specs: [Spec] {
        var nongki = PlatformService.NewTenant(slug: "nongki", nameTH: "เทศบาลตำบลหนองกี่", nameEN: "Nong Ki Subdistrict Municipality",
                                               kind: .subdistrictMunicipality, latitude: 14.6869, longitude: 102.5361)
        nongki.provinceCode = "31"; nongki.provinceName = "บุรีรัมย์"
        nongki.districtCode = "3105"; nongki.districtName = "หนองกี่"
        nongki.subdistrictCode = "310501"; nongki.subdistrictName = "หนองกี่"
        nongki.primaryColor = "#1b5e20"; nongki.accentColor = "#f9a825"

        var lahansai = PlatformService.NewTenant(slug: "lahansai", nameTH: "เทศบาลตำบลละหานทราย", nameEN: "Lahan Sai Subdistrict Municipality",
                                                 kind: .subdistrictMunicipality, latitude: 14.4153, longitude: 102.8636)
        lahansai.provinceCode = "31"; lahansai.provinceName = "บุรีรัมย์"
        lahansai.districtCode = "3106"; lahansai.districtName = "ละหานทราย"
        lahansai.subdistrictCode = "310601"; lahansai.subdistrictName = "ละหานทราย"
        lahansai.primaryColor = "#4a148c"; lahansai.accentColor = "#ffb300"

        var hatyai = PlatformService.NewTenant(slug: "hatyai", nameTH: "เทศบาลนครหาดใหญ่", nameEN: "Hat Yai City Municipality",
                                               kind: .cityMunicipality, latitude: 7.0086, longitude: 100.4747)
        hatyai.provinceCode = "90"; hatyai.provinceName = "สงขลา"
        hatyai.districtCode = "9011"; hatyai.districtName = "หาดใหญ่"
        hatyai.subdistrictCode = "901101"; hatyai.subdistrictName = "หาดใหญ่"
        hatyai.areaKm2 = 21
        hatyai.primaryColor = "#0d47a1"; hatyai.accentColor = "#ef6c00"

        return [
            Spec(tenant: nongki, divisions: tambonDivisions, villages: [
                ("moo", 1, "บ้านหนองกี่", "Ban Nong Ki"), ("moo", 2, "บ้านโคกสะอาด", "Ban Khok Sa-at"),
                ("moo", 3, "บ้านหนองบัว", "Ban Nong Bua"), ("moo", 4, "บ้านดอนไม้งาม", "Ban Don Mai Ngam"),
                ("community", nil, "ชุมชนตลาดหนองกี่", "Nong Ki Market Community"),
            ]),
            Spec(tenant: lahansai, divisions: tambonDivisions, villages: [
                ("moo", 1, "บ้านละหานทราย", "Ban Lahan Sai"), ("moo", 2, "บ้านหนองตาเยา", "Ban Nong Ta Yao"),
                ("moo", 3, "บ้านโนนสำราญ", "Ban Non Samran"), ("moo", 6, "บ้านโคกเจริญ", "Ban Khok Charoen"),
            ]),
            Spec(tenant: hatyai, divisions: [
                ("office", "สำนักปลัดเทศบาล", "Office of the Municipal Clerk"),
                ("finance", "สำนักการคลัง", "Finance Bureau"),
                ("engineering", "สำนักการช่าง", "Engineering Bureau"),
                ("health", "สำนักการสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Bureau"),
                ("education", "สำนักการศึกษา", "Education Bureau"),
                ("welfare", "กองสวัสดิการสังคม", "Social Welfare Division"),
                ("strategy", "กองยุทธศาสตร์และงบประมาณ", "Strategy and Budget Division"),
            ], villages: [
                ("community", nil, "ชุมชนตลาดพ่อพรหม", "Pho Phrom Market Community"),
                ("community", nil, "ชุมชนหลังสถานีรถไฟ", "Behind the Railway Station Community"),
                ("community", nil, "ชุมชนคลองเตย", "Khlong Toei Community"),
                ("community", nil, "ชุมชนบ้านหาดใหญ่", "Ban Hat Yai Community"),
                ("community", nil, "ชุมชนศาลาลุงทอง", "Sala Lung Thong Community"),
            ]),
        ]
    }

    /// Deterministic pseudo-random numbers (SplitMix64): enough to make passwords from the seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func password(_ rng: inout SplitMix64) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return String((0..<10).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    /// The logins the demo creates, in order; computed without touching a database.
    public func logins() -> [Login] {
        var rng = SplitMix64(state: seed)
        var out = [Login(tenant: nil, username: "operator", password: Self.password(&rng), role: .operator)]
        for spec in Self.specs {
            for role in [Role.admin, .staff, .executive, .volunteer] {
                out.append(Login(tenant: spec.tenant.slug, username: role.rawValue, password: Self.password(&rng), role: role))
            }
        }
        return out
    }

    /// Creates the demo unless a demo tenant already exists. Returns whether it seeded.
    @discardableResult
    public func run(on db: any Database, passwordCost: Int) async throws -> Bool {
        if try await Tenant.query(on: db).filter(\.$slug == "nongki").first() != nil { return false }
        let logins = logins()
        try await TenantScope.writeTransaction(on: db) { tx in
            let service = PlatformService(db: tx, passwordCost: passwordCost)
            let epoch = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01, so rows do not depend on the clock
            for spec in Self.specs {
                let tenant = try await service.createTenant(spec.tenant)
                tenant.createdAt = epoch
                try await tenant.update(on: tx)
                let scope = TenantScope(tenantID: try tenant.requireID(), db: tx)
                for (i, d) in spec.divisions.enumerated() {
                    let division = Division()
                    division.slug = d.slug; division.nameTH = d.th; division.nameEN = d.en
                    division.sortOrder = i + 1; division.createdAt = epoch
                    try await scope.create(division)
                }
                var villageIDs: [UUID] = []
                for v in spec.villages {
                    let village = Village()
                    village.kind = v.kind; village.number = v.number; village.nameTH = v.th; village.nameEN = v.en
                    village.createdAt = epoch
                    try await scope.create(village)
                    villageIDs.append(try village.requireID())
                }
                for login in logins where login.tenant == spec.tenant.slug {
                    var u = PlatformService.NewUser(username: login.username, displayName: Self.displayName(login.role, spec), password: login.password, role: login.role)
                    if login.role == .staff { u.divisionSlugs = ["health", "finance"] }
                    if login.role == .volunteer { u.villageIDs = Array(villageIDs.prefix(2)) }
                    try await service.createUser(u, tenant: tenant)
                }
            }
            var datasets = DemoDatasets(seed: seed)
            try await datasets.run(on: tx)
            if let op = logins.first(where: { $0.role == .operator }),
               try await User.query(on: tx).filter(\.$tenantID == nil).filter(\.$username == op.username).first() == nil {
                try await service.createUser(.init(username: op.username, displayName: "ผู้ดูแลแพลตฟอร์มเมือง", password: op.password, role: .operator), tenant: nil)
            }
        }
        return true
    }

    static func displayName(_ role: Role, _ spec: Spec) -> String {
        let names: [Role: String] = [.admin: "สมชาย ใจดี", .staff: "สมหญิง รักงาน", .executive: "ประเสริฐ มั่นคง", .volunteer: "บุญมี ขยันดี"]
        return names[role] ?? role.rawValue
    }
}
