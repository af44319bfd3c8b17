import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct RecoveryTests {
    let schema = DatasetSchema(fields: [
        FieldDefinition(key: "national_id", type: .thaiID),
        FieldDefinition(key: "name", type: .text, required: true),
        FieldDefinition(key: "house_no", type: .text),
        FieldDefinition(key: "village", type: .text),
        FieldDefinition(key: "members", type: .integer),
        FieldDefinition(key: "phone", type: .phone),
    ])

    // Three overlapping copies with different column sets.
    let survey2021 = RecoverySource(name: "สำรวจ 2564", date: day(2021, 6, 1), rows: [
        RecoveryRow(number: 2, values: ["national_id": validID1, "name": "นายสมชาย ใจดี", "house_no": "12/3", "members": "4"]),
        RecoveryRow(number: 3, values: ["national_id": validID2, "name": "นางสาวสมหญิง รักดี", "house_no": "45", "members": "2"]),
        RecoveryRow(number: 4, values: ["national_id": validID3, "name": "นางมาลี ศรีสุข", "house_no": "7", "members": "5"]),
        RecoveryRow(number: 5, values: ["national_id": validID3, "name": "นางมาลี ศรีสุข", "house_no": "7", "members": "5"]),
    ])
    // Volunteers' copy: no IDs, honorifics dropped or abbreviated, Thai digits, the newest.
    let volunteers2022 = RecoverySource(name: "อสม. 2565", date: day(2022, 9, 1), rows: [
        RecoveryRow(number: 2, values: ["name": "สมชาย  ใจดี", "house_no": "๑๒/๓", "village": "หมู่ ๓", "members": "๕", "phone": "081-234-5678"]),
        RecoveryRow(number: 3, values: ["name": "น.ส. สมหญิง รักดี", "house_no": "๔๕", "village": "ม.3", "members": "๒", "phone": ""]),
        RecoveryRow(number: 4, values: ["name": "นายวิชัย มั่นคง", "house_no": "99", "village": "3", "members": "3"]),
    ])
    // The oldest copy: IDs with dashes or Thai digits, no names.
    let register2020 = RecoverySource(name: "ทะเบียน 2563", date: day(2020, 1, 15), rows: [
        RecoveryRow(number: 2, values: ["national_id": "1-2345-67890-12-1", "house_no": "12/3", "village": "3", "phone": "0812345679"]),
        RecoveryRow(number: 3, values: ["national_id": ThaiDigits.toThai(validID2), "house_no": "45", "village": "หมู่ที่ 3"]),
    ])

    var workbench: RecoveryWorkbench {
        RecoveryWorkbench(
            sources: [survey2021, volunteers2022, register2020],
            keys: [.nationalID(field: "national_id"), .houseAndVillage(house: "house_no", village: "village"), .name(fields: ["name"])],
            schema: schema)
    }

    @Test func matchesAcrossCopies() {
        let w = workbench
        #expect(w.records.map(\.rows) == [
            [.row(source: "สำรวจ 2564", row: 2), .row(source: "อสม. 2565", row: 2), .row(source: "ทะเบียน 2563", row: 2)],
            [.row(source: "สำรวจ 2564", row: 3), .row(source: "อสม. 2565", row: 3), .row(source: "ทะเบียน 2563", row: 3)],
            [.row(source: "สำรวจ 2564", row: 4)],
            [.row(source: "สำรวจ 2564", row: 5)],     // the duplicate: kept, not merged
            [.row(source: "อสม. 2565", row: 4)],      // matches nothing: kept
        ])
        // No row lost, none used twice: 4 + 3 + 2 rows.
        #expect(w.records.flatMap(\.rows).count == 9)
        #expect(Set(w.records.flatMap(\.rows)).count == 9)
        #expect(w.records[0].matchedBy == [.name(fields: ["name"]), .nationalID(field: "national_id")])
    }

    @Test func duplicateWithinSourceIsReported() {
        #expect(workbench.duplicates == [
            RecoveryDuplicate(source: "สำรวจ 2564", rows: [4, 5], key: .nationalID(field: "national_id"), value: validID3),
        ])
    }

    @Test func candidatesConflictsAndSuggestions() throws {
        let r = workbench.records[0]
        let members = try #require(r.field("members"))
        #expect(members.candidates.map(\.value) == ["๕", "4"])           // newest copy first
        #expect(members.disagree)
        #expect(members.suggested?.origin == .row(source: "อสม. 2565", row: 2))
        let phone = try #require(r.field("phone"))
        #expect(phone.disagree)
        #expect(phone.final?.value == "081-234-5678")
        // Same value written differently: not a disagreement.
        #expect(r.field("name")?.disagree == false)          // titles and spacing ignored
        #expect(r.field("house_no")?.disagree == false)      // ๑๒/๓ = 12/3
        #expect(r.field("village")?.disagree == false)       // หมู่ ๓ = 3
        #expect(r.field("national_id")?.disagree == false)   // dashes ignored
        #expect(r.hasConflicts)
        let second = workbench.records[1]
        #expect(second.field("members")?.disagree == false)  // ๒ = 2
        #expect(second.field("national_id")?.disagree == false)
        #expect(!second.hasConflicts)
        // An empty cell is not a candidate.
        #expect(second.field("phone")?.candidates.isEmpty == true)
        #expect(second.values["phone"] == nil)
    }

    @Test func userChoicesRecordTheirSource() throws {
        var w = workbench
        try w.apply([0: ["members": .source("สำรวจ 2564"), "phone": .value("0899999999")], 1: ["house_no": .empty]])
        let r = w.records[0]
        #expect(r.values["members"] == "4")
        #expect(r.origins["members"] == .row(source: "สำรวจ 2564", row: 2))
        #expect(r.origins["phone"] == .manual)
        #expect(r.origins["name"] == .row(source: "อสม. 2565", row: 2))
        #expect(r.origins["national_id"] == .row(source: "สำรวจ 2564", row: 2))
        #expect(w.records[1].values["house_no"] == nil)
        #expect(throws: RecoveryError.sourceHasNoValue(record: 0, field: "members", source: "ทะเบียน 2563")) {
            try w.choose(record: 0, field: "members", .source("ทะเบียน 2563"))
        }
        #expect(throws: RecoveryError.noSuchRecord(9)) { try w.choose(record: 9, field: "members", .empty) }

        let validated = w.validatedRecords()
        #expect(validated.count == 5)
        let first = validated[0]
        #expect(first.validation.isValid)
        #expect(first.validation.values["members"] == .integer(4))
        #expect(first.validation.values["phone"] == .phone("0899999999"))
        #expect(first.validation.values["national_id"] == .thaiID(try ThaiNationalID(validID1)))
        // The unmatched row is written too.
        #expect(validated[4].validation.values["name"] == .text("นายวิชัย มั่นคง"))
    }

    @Test func conflictingIDsAreNotMergedByName() {
        let a = RecoverySource(name: "a", date: day(2020, 1, 1), rows: [
            RecoveryRow(number: 2, values: ["national_id": validID1, "name": "นายสมชาย ใจดี"]),
        ])
        let b = RecoverySource(name: "b", date: day(2021, 1, 1), rows: [
            RecoveryRow(number: 2, values: ["national_id": validID2, "name": "สมชาย ใจดี"]),
            RecoveryRow(number: 3, values: ["name": "สมชาย ใจดี"]),
        ])
        let w = RecoveryWorkbench(sources: [a, b], keys: [.nationalID(field: "national_id"), .name(fields: ["name"])])
        // b2 has another ID: its own record. b3 (no ID) joins the first record with that name.
        #expect(w.records.map(\.rows) == [
            [.row(source: "a", row: 2), .row(source: "b", row: 3)],
            [.row(source: "b", row: 2)],
        ])
        #expect(w.duplicates.map(\.rows) == [[2, 3]])        // same name twice in b
    }

    @Test func keyNormalisation() {
        let name = RecoveryKey.name(fields: ["first", "last"])
        #expect(name.key(of: ["first": "นางสาว สมหญิง", "last": "รักดี"]) == name.key(of: ["first": "สมหญิง", "last": " รักดี "]))
        let hv = RecoveryKey.houseAndVillage(house: "h", village: "v")
        #expect(hv.key(of: ["h": "๑๒/๓", "v": "หมู่ที่ ๐๓"]) == "12/3|3")
        #expect(hv.key(of: ["h": "12/3"]) == nil)
        #expect(RecoveryKey.nationalID(field: "id").key(of: ["id": "123"]) == nil)
    }
}
