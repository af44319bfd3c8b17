import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct EvolutionTests {
    let old = DatasetSchema(fields: [
        FieldDefinition(key: "house_no", type: .text, label: LocalizedMessage(th: "บ้านเลขที่", en: "House no.")),
        FieldDefinition(key: "members", type: .text, label: LocalizedMessage(th: "จำนวนสมาชิก", en: "Members")),
        FieldDefinition(key: "note", type: .longText),
        FieldDefinition(key: "surveyed", type: .date),
    ])
    let new = DatasetSchema(fields: [
        FieldDefinition(key: "house_number", type: .text, label: LocalizedMessage(th: "บ้านเลขที่", en: "House no.")),
        FieldDefinition(key: "members", type: .integer, label: LocalizedMessage(th: "จำนวนสมาชิก", en: "Members")),
        FieldDefinition(key: "surveyed", type: .datetime),
        FieldDefinition(key: "phone", type: .phone),
    ])

    var evolution: SchemaEvolution { SchemaEvolution(old: old, new: new, renames: ["house_no": "house_number"]) }

    @Test func classifiesTheChange() {
        let e = evolution
        #expect(e.problems.isEmpty)
        #expect(e.renamed == ["house_no": "house_number"])
        #expect(e.added == ["phone"])
        #expect(e.archived == ["note"])
        #expect(e.typeChanges == [
            .init(key: "members", from: .text, to: .integer), .init(key: "surveyed", from: .date, to: .datetime),
        ])
        #expect(e.result.fields.map(\.key) == ["house_number", "members", "surveyed", "phone", "note"])
        #expect(e.result.field("note")?.archived == true)
        #expect(e.result.activeFields.count == 4)
    }

    @Test func versionsSavedUnderFormerKeysAndTypesReadInThePresentSchema() throws {
        // house_no → house_number, then house_number → address: the field remembers both keys.
        let first = evolution.result
        #expect(first.field("house_number")?.formerKeys == ["house_no"])
        let second = SchemaEvolution(old: first, new: DatasetSchema(fields: first.fields.map { f in
            var f = f
            if f.key == "house_number" { f.key = "address"; f.formerKeys = [] }   // the designer sends no former keys
            return f
        }), renames: ["house_number": "address"])
        #expect(second.problems.isEmpty)
        let schema = second.result
        #expect(schema.field("address")?.formerKeys == ["house_no", "house_number"])

        // A version saved before both changes: members was text, surveyed a date.
        let (values, errors) = try schema.decodeVersion(fromJSON: #"{"house_no": "12/3", "members": "๕", "surveyed": "2024-03-15", "gone": "x"}"#)
        #expect(errors.isEmpty)
        #expect(values["address"] == .text("12/3"))
        #expect(values["members"] == .integer(5))
        #expect(values["house_no"] == nil)
        #expect(values["gone"] == .text("x"))                // a key the schema never knew is kept
        if case .datetime? = values["surveyed"] {} else { Issue.record("surveyed should be a date-time: \(String(describing: values["surveyed"]))") }
        // Present keys win over former ones; a value the present type cannot take is kept and reported.
        let both = schema.upgrading(["house_no": .text("old"), "address": .text("new"), "members": .text("สี่")])
        #expect(both.values["address"] == .text("new"))
        #expect(both.values["members"] == .text("สี่"))
        #expect(both.errors.map(\.field) == ["members"])
    }

    @Test func aFormerKeyIsNotGivenToAnotherField() {
        var reused = evolution.result.fields
        reused.append(FieldDefinition(key: "house_no", type: .text))
        let e = SchemaEvolution(old: evolution.result, new: DatasetSchema(fields: reused))
        #expect(e.problems.contains { $0.field == "house_no" && $0.message.en.contains("former key of “house_number”") })
        // Swapping two keys in one change is refused for the same reason.
        let swap = SchemaEvolution(old: old, new: DatasetSchema(fields: [
            FieldDefinition(key: "members", type: .text), FieldDefinition(key: "house_no", type: .text),
            FieldDefinition(key: "note", type: .longText), FieldDefinition(key: "surveyed", type: .date),
        ]), renames: ["house_no": "members", "members": "house_no"])
        #expect(!swap.problems.isEmpty)
    }

    @Test func typeChangeRefusalListsTheRecords() {
        let records: [(id: String, values: RecordValues)] = [
            ("a", ["members": .text("4")]),
            ("b", ["members": .text("สี่")]),      // not a number
            ("c", ["members": .text("๑๒")]),       // Thai digits convert
            ("d", ["members": .text("2.5")]),      // not whole
            ("e", ["house_no": .text("1")]),       // no members at all
        ]
        let blockers = evolution.unconvertibleRecords(records)
        #expect(blockers.map(\.record) == ["b", "d"])
        #expect(blockers.allSatisfy { $0.error.field == "members" && $0.error.message.en.hasPrefix("Members: ") })
    }

    @Test func migrateKeepsRenamedAndArchivedValues() throws {
        let stored: RecordValues = ["house_no": .text("12/3"), "members": .text("๔"), "note": .text("เก่า"),
                                    "surveyed": .date(day(2023, 3, 15))]
        let migrated = try evolution.migrate(stored)
        #expect(migrated == [
            "house_number": .text("12/3"), "members": .integer(4), "note": .text("เก่า"),
            // Midnight in Bangkok: 2023-03-15 is day 19431; minus 7 hours.
            "surveyed": .datetime(Date(timeIntervalSince1970: 19431 * 86400 - 7 * 3600)),
        ])
        #expect(throws: FieldError.self) { try evolution.migrate(["members": .text("many")]) }
    }

    @Test func archivedFieldCanBeRestored() {
        let archivedSchema = evolution.result
        var back = archivedSchema
        back.fields[4].archived = false
        let e = SchemaEvolution(old: archivedSchema, new: back)
        #expect(e.restored == ["note"])
        #expect(e.archived.isEmpty && e.typeChanges.isEmpty && e.problems.isEmpty)
        // Leaving an archived field out keeps it archived (not lost).
        let omitted = SchemaEvolution(old: archivedSchema, new: DatasetSchema(fields: Array(archivedSchema.fields.prefix(4))))
        #expect(omitted.result.field("note")?.archived == true)
        #expect(omitted.archived.isEmpty)
    }

    @Test func badRenamesAreProblems() {
        let e = SchemaEvolution(old: old, new: new, renames: ["nope": "house_number", "note": "missing"])
        #expect(Set(e.problems.map(\.field)) == ["nope", "missing"])
        let clash = SchemaEvolution(old: old, new: new, renames: ["house_no": "members"])
        #expect(clash.problems.map(\.field).contains("members"))
    }

    @Test func conversions() throws {
        let choice = FieldDefinition(key: "c", type: .choice, choices: ["ประปา", "บ่อ"])
        #expect(try SchemaEvolution.convert(.text("ประปา"), to: choice) == .choice("ประปา"))
        #expect(throws: FieldError.self) { try SchemaEvolution.convert(.text("แม่น้ำ"), to: choice) }
        let multi = FieldDefinition(key: "m", type: .multiChoice, choices: ["ประปา", "บ่อ"])
        #expect(try SchemaEvolution.convert(.choice("บ่อ"), to: multi) == .multiChoice(["บ่อ"]))
        #expect(try SchemaEvolution.convert(.integer(12), to: FieldDefinition(key: "x", type: .text)) == .text("12"))
        #expect(throws: FieldError.self) { try SchemaEvolution.convert(.decimal(Decimal(string: "2.5")!), to: FieldDefinition(key: "x", type: .integer)) }
        #expect(try SchemaEvolution.convert(.null, to: FieldDefinition(key: "x", type: .integer)) == .null)
    }
}
