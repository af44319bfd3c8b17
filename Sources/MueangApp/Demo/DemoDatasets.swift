import Fluent
import Foundation
import Datasets
import ThaiConventions

/// Realistic demo registers, deterministic from the seed: households and water points for
/// Nong Ki, households for Lahan Sai, a business register for Hat Yai.
struct DemoDatasets {
    var rng: DemoSeed.SplitMix64

    init(seed: UInt64) { rng = DemoSeed.SplitMix64(state: seed &+ 0xDA7A) }

    static let givenNames = ["สมชาย", "สมศรี", "บุญมี", "มาลี", "ประเสริฐ", "สุนีย์", "วิชัย", "อรุณี", "ทองใบ", "จันทร์เพ็ญ", "สมพร", "นิตยา", "ชาติชาย", "พรทิพย์", "สุรชัย"]
    static let familyNames = ["ใจดี", "ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "สุขสวัสดิ์", "พรหมมา", "ชัยมงคล", "จันทร์หอม", "ดวงดี"]

    mutating func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    mutating func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    /// A 13-digit national ID with a correct check digit.
    mutating func nationalID() -> String {
        var digits = [int(1...8)] + (0..<11).map { _ in int(0...9) }
        digits.append(ThaiNationalID.checkDigit(for: digits))
        return digits.map(String.init).joined()
    }

    mutating func person() -> String { "\(pick(["นาย", "นาง", "นางสาว"]))\(pick(Self.givenNames)) \(pick(Self.familyNames))" }

    mutating func near(_ lat: Double, _ lon: Double, metres: Double) -> String {
        let dLat = (unit() * 2 - 1) * metres / 111_320
        let dLon = (unit() * 2 - 1) * metres / (111_320 * cos(lat * .pi / 180))
        return String(format: "%.6f, %.6f", lat + dLat, lon + dLon)
    }

    mutating func surveyDay() -> String {
        let day = CalendarDay(daysSince1970: 20_089 + int(0...300)) ?? (try! CalendarDay(year: 2025, month: 1, day: 1))
        return "\(day.day)/\(day.month)/\(day.buddhistYear)"
    }

    static func field(_ key: String, _ type: FieldType, _ th: String, _ en: String, required: Bool = false, unique: Bool = false, choices: [String] = []) -> FieldDefinition {
        var f = FieldDefinition(key: key, type: type)
        f.label = LocalizedMessage(th: th, en: en); f.required = required; f.unique = unique; f.choices = choices
        return f
    }

    mutating func run(on db: any Database) async throws {
        for slug in ["nongki", "lahansai", "hatyai"] {
            guard let tenant = try await Tenant.query(on: db).filter(\.$slug == slug).first() else { continue }
            let scope = TenantScope(tenantID: try tenant.requireID(), db: db)
            let service = DatasetService(scope: scope, actor: "demo")
            let villages = try await scope.query(Village.self).sort(\.$number).all()
            let (lat, lon) = (tenant.centreLatitude, tenant.centreLongitude)
            if slug != "hatyai" {
                let households = try await service.create(.init(
                    slug: "households", title: .init(th: "ทะเบียนครัวเรือน", en: "Household register"), divisionSlug: "health",
                    description: "ครัวเรือนในเขตเทศบาล สำรวจโดย อสม.", fields: [
                        Self.field("house_no", .text, "บ้านเลขที่", "House no.", required: true, unique: true),
                        Self.field("head", .text, "หัวหน้าครัวเรือน", "Head of household", required: true),
                        Self.field("owner_id", .thaiID, "เลขประจำตัวประชาชน", "National ID"),
                        Self.field("members", .integer, "จำนวนสมาชิก", "Members"),
                        Self.field("elderly", .integer, "ผู้สูงอายุ", "Elderly"),
                        Self.field("village", .village, "หมู่บ้าน/ชุมชน", "Village"),
                        Self.field("surveyed_on", .date, "วันที่สำรวจ", "Surveyed on"),
                        Self.field("location", .point, "ตำแหน่ง", "Location"),
                    ], lawfulBasis: "public-health-duty"))
                for i in 1...(slug == "nongki" ? 120 : 80) {
                    let village = villages.isEmpty ? nil : pick(villages)
                    _ = try await service.createRecord(households, .text([
                        "house_no": "\(i)/\(village?.number ?? 1)", "head": person(), "owner_id": nationalID(),
                        "members": String(int(1...7)), "elderly": String(int(0...2)), "village": village?.id?.uuidString ?? "",
                        "surveyed_on": surveyDay(), "location": near(lat, lon, metres: 1500),
                    ]))
                }
            }
            if slug == "nongki" {
                let water = try await service.create(.init(
                    slug: "water-points", title: .init(th: "แหล่งน้ำและจุดจ่ายน้ำ", en: "Water points"), divisionSlug: "engineering",
                    fields: [
                        Self.field("name", .text, "ชื่อ", "Name", required: true),
                        Self.field("kind", .choice, "ประเภท", "Kind", required: true, choices: ["บ่อบาดาล", "ประปาหมู่บ้าน", "สระน้ำ", "ถังเก็บน้ำ"]),
                        Self.field("working", .boolean, "ใช้งานได้", "Working"),
                        Self.field("village", .village, "หมู่บ้าน/ชุมชน", "Village"),
                        Self.field("location", .point, "ตำแหน่ง", "Location"),
                    ], lawfulBasis: "no-personal-data"))
                for i in 1...24 {
                    let kind = pick(["บ่อบาดาล", "ประปาหมู่บ้าน", "สระน้ำ", "ถังเก็บน้ำ"])
                    _ = try await service.createRecord(water, .text([
                        "name": "\(kind) แห่งที่ \(i)", "kind": kind, "working": unit() < 0.8 ? "ใช่" : "ไม่ใช่",
                        "village": villages.isEmpty ? "" : pick(villages).id!.uuidString, "location": near(lat, lon, metres: 2500),
                    ]))
                }
            }
            if slug == "hatyai" {
                let kinds = ["ร้านอาหาร", "ร้านค้าปลีก", "โรงแรม", "ร้านซ่อมรถ", "ร้านเสริมสวย", "คลินิก"]
                let business = try await service.create(.init(
                    slug: "businesses", title: .init(th: "ทะเบียนสถานประกอบการ", en: "Business register"), divisionSlug: "finance",
                    fields: [
                        Self.field("name", .text, "ชื่อสถานประกอบการ", "Business name", required: true),
                        Self.field("owner", .text, "ผู้ประกอบการ", "Owner", required: true),
                        Self.field("kind", .choice, "ประเภทกิจการ", "Kind", required: true, choices: kinds),
                        Self.field("licence_no", .text, "เลขที่ใบอนุญาต", "Licence no.", unique: true),
                        Self.field("registered_on", .date, "วันที่จดทะเบียน", "Registered on"),
                        Self.field("employees", .integer, "จำนวนลูกจ้าง", "Employees"),
                        Self.field("phone", .phone, "โทรศัพท์", "Phone"),
                        Self.field("location", .point, "ตำแหน่ง", "Location"),
                    ], lawfulBasis: "public-task"))
                let streets = ["ถนนนิพัทธ์อุทิศ 1", "ถนนนิพัทธ์อุทิศ 3", "ถนนเสน่หานุสรณ์", "ถนนธรรมนูญวิถี", "ถนนศรีภูวนารถ", "ถนนเพชรเกษม"]
                for i in 1...150 {
                    let kind = pick(kinds)
                    _ = try await service.createRecord(business, .text([
                        "name": "\(kind) \(pick(Self.givenNames)) \(pick(streets))", "owner": person(), "kind": kind,
                        "licence_no": "สข \(String(format: "%04d", i))/2568", "registered_on": surveyDay(), "employees": String(int(1...40)),
                        "phone": "07\(int(4...4))\(String(format: "%06d", int(0...999_999)))", "location": near(lat, lon, metres: 2000),
                    ]))
                }
            }
        }
    }
}
