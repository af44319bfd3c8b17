import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct ConstraintTests {
    @Test func requiredNamesTheLabel() throws {
        let schema = try decodeSchema(apiExampleBody)
        let result = schema.validate(.text(["members": "3"]))
        #expect(result.errors == [FieldError(field: "house_no", message: LocalizedMessage(th: "บ้านเลขที่: ต้องกรอก", en: "House no.: required"))])
        #expect(result.values == ["members": .integer(3)])
        #expect(!result.isValid)
    }

    @Test func numberBounds() {
        let f = field(.integer, th: "จำนวนคน", en: "Members", min: .number(0), max: .number(20))
        #expect(f.check(.integer(0)).isEmpty)
        #expect(f.check(.integer(20)).isEmpty)
        #expect(f.check(.integer(-1)).map(\.message.en) == ["Members: must be at least 0"])
        #expect(f.check(.integer(21)).map(\.message.th) == ["จำนวนคน: ต้องไม่เกิน 20"])
        let d = field(.decimal, min: .number(Decimal(string: "0.5")!))
        #expect(d.check(.decimal(Decimal(string: "0.49")!)).count == 1)
        #expect(d.check(.decimal(Decimal(string: "0.5")!)).isEmpty)
    }

    @Test func textLengthBounds() {
        let f = field(.text, min: .number(2), max: .number(4))
        #expect(f.check(.text("ab")).isEmpty)
        #expect(f.check(.text("กขคง")).isEmpty)         // 4 Thai characters
        #expect(f.check(.text("a")).count == 1)
        #expect(f.check(.text("abcde")).count == 1)
        // Length counts characters as people see them: "น้ำ" is 2 (น, ้ำ cluster).
        #expect(field(.text, max: .number(2)).check(.text("น้ำ")).isEmpty)
    }

    @Test func dateBounds() throws {
        // Bounds may be written in BE; 1/1/2566 is 2023-01-01.
        let f = field(.date, th: "วันเกิด", en: "Born", min: .text("1/1/2566"), max: .text("2023-12-31"))
        #expect(f.check(.date(day(2023, 1, 1))).isEmpty)
        #expect(f.check(.date(day(2023, 12, 31))).isEmpty)
        #expect(f.check(.date(day(2022, 12, 31))).map(\.message.th) == ["วันเกิด: ต้องไม่ก่อน 1 ม.ค. 2566"])
        #expect(f.check(.date(day(2024, 1, 1))).map(\.message.en) == ["Born: must not be after 31 Dec 2023"])
    }

    @Test func multiChoiceCount() {
        let f = field(.multiChoice, max: .number(1), choices: ["a", "b"])
        #expect(f.check(.multiChoice(["a"])).isEmpty)
        #expect(f.check(.multiChoice(["a", "b"])).count == 1)
        #expect(f.check(.multiChoice(["c"])).count == 1)     // not a choice
    }

    @Test func patternMatchesWholeString() throws {
        let f = field(.text, pattern: "[0-9]+/[0-9]+")
        #expect(f.check(.text("12/3")).isEmpty)
        #expect(f.check(.text("x12/3")).count == 1)
        #expect(f.check(.text("12/3x")).count == 1)
        let alt = field(.text, pattern: "a|ab")
        #expect(alt.check(.text("ab")).isEmpty)       // whole-string, not first-alternative
        // Thai digits are read as typed: the pattern sees the text, so ๑๒/๓ does not match [0-9].
        #expect(f.check(try f.parse(text: "๑๒/๓")).count == 1)
    }

    @Test func choiceNotInList() {
        let f = field(.choice, choices: ["a"])
        #expect(f.check(.choice("b")).count == 1)
        #expect(f.check(.choice("a")).isEmpty)
    }

    @Test func wrongCaseForType() {
        #expect(field(.integer).check(.text("1")).count == 1)
        #expect(field(.point).check(.point(GeoPoint(lat: 91, lon: 0))).count == 1)
    }
}

@Suite struct RecordValidationTests {
    let schema = DatasetSchema(fields: [
        FieldDefinition(key: "house_no", type: .text, label: LocalizedMessage(th: "บ้านเลขที่", en: "House no."), required: true),
        FieldDefinition(key: "members", type: .integer, label: LocalizedMessage(th: "จำนวนสมาชิก", en: "Members"),
                        min: .number(0), defaultValue: .number(1)),
        FieldDefinition(key: "water", type: .choice, defaultValue: .string("ประปา"), choices: ["ประปา", "บ่อ"]),
        FieldDefinition(key: "owner_id", type: .thaiID, label: LocalizedMessage(th: "เลขบัตรเจ้าของ", en: "Owner ID")),
        FieldDefinition(key: "old_note", type: .text, archived: true),
    ])

    @Test func defaultsFillAbsentFieldsOnly() {
        let created = schema.validate(.text(["house_no": "12/3"]))
        #expect(created.isValid)
        #expect(created.values == ["house_no": .text("12/3"), "members": .integer(1), "water": .choice("ประปา")])
        // Sent empty: stays empty.
        let blank = schema.validate(.text(["house_no": "12/3", "members": ""]))
        #expect(blank.values["members"] == nil)
    }

    @Test func collectsEveryError() {
        let r = schema.validate(.json(["members": .number(-2), "owner_id": .string("1234567890122"), "colour": .string("x")]))
        #expect(r.errors.map(\.field) == ["colour", "house_no", "members", "owner_id"])
        #expect(r.errors[0].message.en == "colour: no such field in this dataset")
        #expect(r.errors[2].message.en == "Members: must be at least 0")
        #expect(r.errors[3].message.th.hasPrefix("เลขบัตรเจ้าของ: "))
    }

    @Test func archivedFieldsAreKeptNotWritable() {
        let existing: RecordValues = ["house_no": .text("1"), "old_note": .text("เก่า"), "members": .integer(4)]
        let patch = schema.validate(.json(["members": .number(5)]), existing: existing)
        #expect(patch.isValid)
        #expect(patch.values == ["house_no": .text("1"), "old_note": .text("เก่า"), "members": .integer(5)])
        let write = schema.validate(.json(["house_no": .string("1"), "old_note": .string("ใหม่")]))
        #expect(write.errors.map(\.field) == ["old_note"])
    }

    @Test func validatorHooksForTheApp() throws {
        let id = UUID()
        let s = DatasetSchema(fields: [
            FieldDefinition(key: "code", type: .text, unique: true),
            FieldDefinition(key: "head", type: .reference, reference: "people"),
            FieldDefinition(key: "moo", type: .village),
        ])
        let v = RecordValidator(schema: s)
        #expect(v.uniqueFields == ["code"])
        let r = v.validate(.text(["code": "A", "head": id.uuidString, "moo": id.uuidString]))
        #expect(r.isValid)
        let refs = v.references(in: r.values)
        #expect(refs.map(\.field) == ["head", "moo"])
        #expect(refs.map(\.dataset) == ["people", nil])
    }
}
