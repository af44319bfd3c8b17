import Foundation
import Testing
import ThaiConventions
@testable import Datasets

/// Values as the workbench writes them (normalised to the field's type), what it shows for each
/// record (every copy's value, differences), and the source note.
@Suite struct RecoveryValueTests {
    @Test func writtenValuesFollowTheFieldTypes() {
        let text = FieldDefinition(key: "t", type: .text)
        #expect(RecoveryWorkbench.normalized("  หมู่  ๓ ", as: text) == "หมู่ 3")
        #expect(RecoveryWorkbench.normalized("๑๒/๓", as: text) == "12/3")
        #expect(RecoveryWorkbench.normalized("นาง\u{200B}สาว  สมหญิง\u{00A0} รักดี", as: text) == "นางสาว สมหญิง รักดี")
        #expect(RecoveryWorkbench.normalized("๑๒/๓", as: nil) == "12/3")
        #expect(RecoveryWorkbench.normalized("บรรทัด  ๑\n  บรรทัด 2 ", as: FieldDefinition(key: "l", type: .longText)) == "บรรทัด ๑\nบรรทัด 2")
        #expect(RecoveryWorkbench.normalized("๐๘๑-๒๓๔-๕๖๗๘", as: FieldDefinition(key: "p", type: .phone)) == "0812345678")
        #expect(RecoveryWorkbench.normalized("๕", as: FieldDefinition(key: "n", type: .integer)) == "5")
        #expect(RecoveryWorkbench.normalized("15/03/2566", as: FieldDefinition(key: "d", type: .date)) == "2023-03-15")
        #expect(RecoveryWorkbench.normalized("1-2345-67890-12-1", as: FieldDefinition(key: "i", type: .thaiID)) == validID1)
        // A value the type cannot read stays as it is, to be reported.
        #expect(RecoveryWorkbench.normalized(" 12345 ", as: FieldDefinition(key: "p", type: .phone)) == "12345")
    }

    let schema = DatasetSchema(fields: [
        FieldDefinition(key: "national_id", type: .thaiID, label: LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "National ID")),
        FieldDefinition(key: "name", type: .text, label: LocalizedMessage(th: "ชื่อ-สกุล", en: "Name")),
        FieldDefinition(key: "house_no", type: .text, label: LocalizedMessage(th: "บ้านเลขที่", en: "House no.")),
        FieldDefinition(key: "village", type: .text),
        FieldDefinition(key: "phone", type: .phone, label: LocalizedMessage(th: "โทรศัพท์", en: "Phone")),
    ])

    var bench: RecoveryWorkbench {
        let old = RecoverySource(name: "ทะเบียน 2564", date: day(2021, 12, 31), rows: [
            RecoveryRow(number: 2, values: ["national_id": validID1, "name": "นางสมหญิง รักดี", "house_no": "12/3", "phone": "0812345678"]),
            RecoveryRow(number: 3, values: ["national_id": validID2, "name": "นายวิชัย มั่นคง", "phone": "12345"]),
        ])
        let new = RecoverySource(name: "ทะเบียน 2566", date: day(2023, 12, 31), rows: [
            RecoveryRow(number: 2, values: ["national_id": ThaiDigits.toThai(validID1), "name": "นางสาวสมหญิง  รักดี", "house_no": "๑๒/๓", "village": "หมู่ ๓"]),
            RecoveryRow(number: 3, values: ["name": "นายสมศักดิ์ ดีมาก", "house_no": "๔"]),
        ])
        return RecoveryWorkbench(sources: [old, new], keys: [.nationalID(field: "national_id"), .name(fields: ["name"])], schema: schema)
    }

    @Test func eachRecordShowsWhatEveryCopyGives() throws {
        let r = bench.records[0]
        #expect(r.row(from: "ทะเบียน 2564") == 2)
        #expect(r.row(from: "ทะเบียน 2566") == 2)
        let name = try #require(r.field("name"))
        #expect(name.candidate(from: "ทะเบียน 2564")?.value == "นางสมหญิง รักดี")
        #expect(name.candidate(from: "ทะเบียน 2566")?.value == "นางสาวสมหญิง  รักดี")     // as the copy gives it
        #expect(!name.disagree)                                   // the same person
        #expect(name.differs)                                      // but นาง and นางสาว are shown
        #expect(name.final?.normalized == "นางสาวสมหญิง รักดี")    // the newest, its stray space gone
        let house = try #require(r.field("house_no"))
        #expect(!house.differs)                                    // ๑๒/๓ is 12/3
        #expect(house.final?.normalized == "12/3")
        let phone = try #require(r.field("phone"))
        #expect(phone.candidate(from: "ทะเบียน 2566") == nil)      // the newer copy has no phone
        #expect(phone.final?.origin == .row(source: "ทะเบียน 2564", row: 2))
        #expect(r.field("national_id")?.differs == false)
        #expect(r.hasDifferences && !r.hasConflicts)
        #expect(r.values == ["national_id": validID1, "name": "นางสาวสมหญิง รักดี", "house_no": "12/3", "village": "หมู่ 3", "phone": "0812345678"])
        // Rows that match nothing are kept.
        #expect(bench.records.map(\.rows.count) == [2, 1, 1])
        #expect(bench.records[2].row(from: "ทะเบียน 2564") == nil)
    }

    @Test func choicesAreNormalisedAndSourcesNamedInThai() throws {
        var w = bench
        try w.choose(record: 0, field: "name", .source("ทะเบียน 2564"))
        try w.choose(record: 0, field: "house_no", .value(" ๑๒/๓  ก "))
        #expect(w.records[0].field("name")?.final?.normalized == "นางสมหญิง รักดี")
        #expect(w.records[0].values["house_no"] == "12/3 ก")
        #expect(w.records[0].origins["house_no"] == .manual)
        try w.choose(record: 0, field: "phone", .empty)
        #expect(w.records[0].values["phone"] == nil)
        #expect(RecoveryOrigin.row(source: "ทะเบียน 2566", row: 3).description == "ทะเบียน 2566 แถว 3")
        #expect(RecoveryOrigin.manual.message == LocalizedMessage(th: "กรอกเอง", en: "typed by hand"))
    }

    @Test func valuesAFieldCannotTakeAreSetAsideInTheNote() throws {
        let out = bench.outputs()
        #expect(out.count == 3)
        #expect(out[0].values["house_no"] == .text("12/3"))
        #expect(out[0].values["phone"] == .phone("0812345678"))
        #expect(out[0].note == "ทะเบียน 2564 แถว 2: โทรศัพท์; ทะเบียน 2566 แถว 2: เลขประจำตัวประชาชน, ชื่อ-สกุล, บ้านเลขที่, village")
        // วิชัย's phone has 5 digits: not written in the field, named in the note, the record kept.
        let wichai = out[1]
        #expect(wichai.errors.isEmpty)
        #expect(wichai.values["phone"] == nil)
        #expect(wichai.values["name"] == .text("นายวิชัย มั่นคง"))
        #expect(wichai.setAside.map(\.field) == ["phone"])
        #expect(wichai.note.hasPrefix("ทะเบียน 2564 แถว 3: เลขประจำตัวประชาชน, ชื่อ-สกุล; ค่าที่ใช้ไม่ได้: โทรศัพท์ “12345” (ทะเบียน 2564 แถว 3"))
        // A required field no copy fills stops the record.
        var strictSchema = schema
        strictSchema.fields[0].required = true
        let strict = RecoveryWorkbench(sources: bench.sources, keys: bench.keys, schema: strictSchema)
        #expect(strict.outputs()[2].errors.map(\.field) == ["national_id"])
    }
}
