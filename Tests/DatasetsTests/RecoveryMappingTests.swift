import Foundation
import Testing
import ThaiConventions
@testable import Datasets

/// Column mapping across copies: one field per meaning, types and keys suggested.
@Suite struct RecoveryMappingTests {
    static func table(_ name: String, _ header: [String], _ rows: [[String]]) -> RecoveryTable {
        RecoveryTable(name: name, header: header, rows: rows.enumerated().map { RecoveryTableRow(number: $0.offset + 2, cells: $0.element) })
    }

    // The audit's three copies: Thai headers, other Thai headers with Thai digits, English headers.
    let thai = table("ทะเบียน 2564", ["เลขบัตร", "ชื่อ-สกุล", "บ้านเลขที่", "หมู่"], [
        [validID1, "นายสมชาย ใจดี", "12/3", "3"],
        [validID2, "นางสาวสมหญิง รักดี", "45", "หมู่ 3"],
    ])
    let thaiDigits = table("ทะเบียน 2565", ["เลขประจำตัวประชาชน", "ชื่อ", "เลขที่บ้าน"], [
        [ThaiDigits.toThai(validID1), "นาย สมชาย  ใจดี", "๑๒/๓"],
        [ThaiDigits.toThai(validID3), "นางมาลี ศรีสุข", "๗"],
    ])
    let english = table("register 2566", ["national_id", "name", "house_no", "moo", "phone"], [
        ["1-2345-67890-12-1", "สมชาย ใจดี", "12/3", "๓", "081-234-5678"],
        [validID2, "นางสมหญิง รักดี", "45", "3", "๐๘๙๑๑๑๒๒๒๒"],
        ["", "นายวิชัย มั่นคง", "99", "3", ""],
    ])

    @Test func synonymsMapEveryCopyOntoOneFieldPerMeaning() {
        let s = RecoveryMapping.suggest([thai, thaiDigits, english])
        #expect(s.fields.map(\.key) == ["national_id", "name", "house_no", "village", "phone"])
        #expect(s.fields.map(\.type) == [.thaiID, .text, .text, .text, .phone])
        #expect(s.fields.map(\.kind) == [.nationalID, .name, .houseNumber, .village, .phone])
        #expect(s.fields[0].label == LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "National ID"))
        #expect(s.columns == [[0, 1, 2, 3], [0, 1, 2], [0, 1, 2, 3, 4]])
        // A national ID column: match by it first, then by name for rows without one.
        #expect(s.keys == [.nationalID(field: "national_id"), .name(fields: ["name"])])

        // With those defaults the copies match: สมชาย in all three, สมหญิง in two.
        let sources = [thai, thaiDigits, english].enumerated().map { i, t in
            RecoverySource(name: t.name, date: day(2021 + i, 12, 31), rows: t.recoveryRows(mapping: s.mapping(i)))
        }
        let w = RecoveryWorkbench(sources: sources, keys: s.keys, schema: DatasetSchema(fields: s.fields.map(\.definition)))
        #expect(w.records.map(\.rows.count) == [3, 2, 1, 1])   // สมชาย, สมหญิง, มาลี, วิชัย (kept)
    }

    @Test func headersAreReadLooselyAndInBothLanguages() {
        #expect(RecoveryFieldKind.of(header: "เลขบัตรประชาชน") == .nationalID)
        #expect(RecoveryFieldKind.of(header: "Citizen ID") == .nationalID)
        #expect(RecoveryFieldKind.of(header: "ID_Card") == .nationalID)
        #expect(RecoveryFieldKind.of(header: "PID") == .nationalID)
        #expect(RecoveryFieldKind.of(header: "ชื่อ - นามสกุล") == .name)
        #expect(RecoveryFieldKind.of(header: "Full Name") == .name)
        #expect(RecoveryFieldKind.of(header: "เลขที่") == .houseNumber)
        #expect(RecoveryFieldKind.of(header: "Address no.") == .houseNumber)
        #expect(RecoveryFieldKind.of(header: "หมู่ที่") == .village)
        #expect(RecoveryFieldKind.of(header: "หมู่บ้าน") == .village)
        #expect(RecoveryFieldKind.of(header: "มือถือ") == .phone)
        #expect(RecoveryFieldKind.of(header: "Tel.") == .phone)
        #expect(RecoveryFieldKind.of(header: "วัน/เดือน/ปีเกิด") == .birthDate)
        #expect(RecoveryFieldKind.of(header: "เพศ") == .gender)
        #expect(RecoveryFieldKind.of(header: "นามสกุล") == .lastName)
        #expect(RecoveryFieldKind.of(header: "จำนวนสมาชิก") == nil)
        #expect(RecoveryFieldKind.of(header: "") == nil)
    }

    @Test func contentNamesColumnsTheHeadersDoNot() {
        let a = Self.table("a", ["A", "ข้อมูล 2", "เลขที่", "C"], [
            [ThaiDigits.toThai(validID1), "081-234-5678", validID3, "1"],
            [validID2, "0891112222", validID2, "2"],
            ["1-1037-00012-34-6", "02 123 4567", validID1, "3"],
        ])
        #expect(RecoveryFieldKind.of(values: a.values(0)) == .nationalID)
        #expect(RecoveryFieldKind.of(values: a.values(1)) == .phone)
        #expect(RecoveryFieldKind.of(values: a.values(3)) == nil)
        #expect(RecoveryFieldKind.of(values: []) == nil)
        let b = Self.table("b", ["เลขบัตร", "โทรศัพท์"], [[validID1, "0812345678"]])
        let s = RecoveryMapping.suggest([a, b])
        // Column A (IDs) and b's เลขบัตร are the national ID; a's "เลขที่" holds IDs too, so it is a
        // second national ID column, not a house number.
        #expect(s.fields.map(\.key) == ["national_id", "phone", "national_id_2", "c"])
        #expect(s.columns == [[0, 1, 2, 3], [0, 1]])
        #expect(s.fields[3].type == .integer)
        #expect(s.fields[2].type == .thaiID)
    }

    @Test func namePartsFillTheNameAndRepeatedMeaningsGetAFieldOfTheirOwn() throws {
        let parts = Self.table("a", ["คำนำหน้า", "ชื่อ", "นามสกุล", "โทรศัพท์", "มือถือ", "หมายเหตุพิเศษ"], [
            ["นาย", "สมชาย", "ใจดี", "021234567", "0812345678", "ย้ายออก"],
        ])
        let full = Self.table("b", ["ชื่อ-สกุล", "หมายเหตุ พิเศษ", "Remark Code"], [["สมชาย ใจดี", "", "7"]])
        let s = RecoveryMapping.suggest([parts, full])
        #expect(s.fields.map(\.key) == ["name", "phone", "phone_2", "field_4", "remark_code"])
        #expect(s.fields[2].label.th == "มือถือ (โทรศัพท์ 2)")
        #expect(s.fields[3].label.th == "หมายเหตุพิเศษ")              // one field for both spellings
        #expect(s.columns == [[0, 0, 0, 1, 2, 3], [0, 3, 4]])
        let row = try #require(parts.recoveryRows(mapping: s.mapping(0)).first)
        #expect(row.values["name"] == "นาย สมชาย ใจดี")
        #expect(row.values["phone_2"] == "0812345678")
        // No ID, no house: the name is the key.
        #expect(s.keys == [.name(fields: ["name"])])
    }

    @Test func typesAreSuggestedFromTheValues() {
        // The header says it: half the values reading so is enough (the rest are set aside when written).
        #expect(RecoveryMapping.suggestType(kind: .nationalID, values: [validID1, "123"]) == .thaiID)
        #expect(RecoveryMapping.suggestType(kind: .nationalID, values: [validID1, "123", "456"]) == .text)
        #expect(RecoveryMapping.suggestType(kind: .phone, values: ["081-234-5678", "-", "ไม่มี"]) == .text)
        // Only the values say it: 4 in 5.
        #expect(RecoveryMapping.suggestType(kind: nil, values: [validID1, validID2, validID3, "1-2345-67890-12-1", "x"]) == .thaiID)
        #expect(RecoveryMapping.suggestType(kind: nil, values: [validID1, validID2, "x"]) == .text)
        #expect(RecoveryMapping.suggestType(kind: .birthDate, values: ["15/03/2566", "1 ม.ค. 2500"]) == .date)
        #expect(RecoveryMapping.suggestType(kind: .age, values: ["๖๕", "70"]) == .integer)
        #expect(RecoveryMapping.suggestType(kind: .houseNumber, values: ["12", "13"]) == .text)   // house numbers are texts
        #expect(RecoveryMapping.suggestType(kind: nil, values: ["12", "๑๓"]) == .integer)
        #expect(RecoveryMapping.suggestType(kind: nil, values: ["12", "13a"]) == .text)
        #expect(RecoveryMapping.suggestType(kind: nil, values: ["10110", "01234"]) == .text)       // a leading 0 is a code
        #expect(RecoveryMapping.suggestType(kind: nil, values: ["15/03/2566", "2023-03-16"]) == .date)
    }

    @Test func keysAreSuggestedByWhatTheCopiesHold() {
        func source(_ rows: [[String: String]]) -> RecoverySource {
            RecoverySource(name: "s", date: day(2020, 1, 1), rows: rows.enumerated().map { RecoveryRow(number: $0.offset + 2, values: $0.element) })
        }
        let households = source([["h": "1", "v": "3", "n": "ก"], ["h": "2", "v": "3", "n": "ข"], ["h": "1", "v": "4", "n": "ค"]])
        let people = source([["h": "1", "v": "3", "n": "ก"], ["h": "1", "v": "3", "n": "ข"], ["h": "2", "v": "3", "n": "ค"]])
        let hv = RecoveryKey.houseAndVillage(house: "h", village: "v")
        #expect(RecoveryMapping.suggestKeys(nationalID: "id", house: "h", village: "v", name: "n", sources: [households])
            == [.nationalID(field: "id"), .name(fields: ["n"])])
        #expect(RecoveryMapping.suggestKeys(nationalID: "id", house: "h", village: "v", name: nil, sources: [households])
            == [.nationalID(field: "id"), hv])
        #expect(RecoveryMapping.suggestKeys(nationalID: nil, house: "h", village: "v", name: "n", sources: [households])
            == [hv, .name(fields: ["n"])])
        // Several people per house: matching by house would merge them.
        #expect(RecoveryMapping.suggestKeys(nationalID: nil, house: "h", village: "v", name: "n", sources: [people]) == [.name(fields: ["n"])])
        #expect(RecoveryMapping.suggestKeys(nationalID: nil, house: "h", village: "v", name: nil, sources: [people]) == [hv])
        #expect(RecoveryMapping.suggestKeys(nationalID: nil, house: "h", village: nil, name: nil, sources: [people]).isEmpty)
    }

    @Test func columnsMeetGivenFieldsBySynonymAndContent() {
        let schema = DatasetSchema(fields: [
            FieldDefinition(key: "citizen_id", type: .thaiID, label: LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "National ID")),
            FieldDefinition(key: "name", type: .text, label: LocalizedMessage(th: "ชื่อ-สกุล", en: "Name")),
            FieldDefinition(key: "mobile", type: .phone),
        ])
        let t = Self.table("t", ["ชื่อ", "เบอร์โทร", "เลขบัตร", "คำนำหน้า", "อื่น ๆ"], [["สมชาย", "0812345678", validID1, "นาย", "x"]])
        #expect(RecoveryMapping.mapColumns(t, to: schema) == ["name", "mobile", "citizen_id", "name", nil])
        let unnamed = Self.table("u", ["A", "B"], [[validID1, "081-234-5678"], [validID2, "0899999999"]])
        #expect(RecoveryMapping.mapColumns(unnamed, to: schema) == ["citizen_id", "mobile"])
        let split = DatasetSchema(fields: [FieldDefinition(key: "first_name", type: .text), FieldDefinition(key: "surname", type: .text)])
        #expect(RecoveryMapping.mapColumns(Self.table("v", ["ชื่อ", "นามสกุล"], [["ก", "ข"]]), to: split) == ["first_name", "surname"])
        #expect(RecoveryMapping.suggestKeys(fields: split.fields, sources: []) == [.name(fields: ["first_name", "surname"])])
    }
}
