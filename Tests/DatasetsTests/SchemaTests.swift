import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct SchemaTests {
    @Test func fieldTypeRawValuesAreTheAPIs() {
        let names = "text long_text integer decimal date datetime boolean choice multi_choice thai_id phone email point area file village reference"
        #expect(FieldType.allCases.map(\.rawValue) == names.split(separator: " ").map(String.init))
    }

    @Test func apiExampleDecodesWithDefaults() throws {
        let schema = try decodeSchema(apiExampleBody)
        #expect(schema.fields.map(\.key) == ["house_no", "owner_id", "members", "surveyed_on", "location"])
        #expect(schema.fields.map(\.type) == [.text, .thaiID, .integer, .date, .point])
        let house = schema.fields[0]
        #expect(house.required && house.unique && !house.archived)
        #expect(house.label == LocalizedMessage(th: "บ้านเลขที่", en: "House no."))
        let members = schema.fields[2]
        #expect(members.min == .number(0) && members.max == nil && !members.required && !members.unique)
        #expect(members.label == nil && members.displayLabel.en == "members")
        #expect(schema.problems().isEmpty)
    }

    @Test func minimalFieldDecodes() throws {
        let f = try JSONDecoder().decode(FieldDefinition.self, from: Data(#"{"key": "members", "type": "integer", "min": 0}"#.utf8))
        #expect(f == FieldDefinition(key: "members", type: .integer, min: .number(0)))
    }

    @Test func schemaRoundTripsThroughJSON() throws {
        let schema = try decodeSchema(apiExampleBody)
        var extended = schema
        extended.fields.append(FieldDefinition(
            key: "water", type: .choice, label: LocalizedMessage(th: "แหล่งน้ำ", en: "Water"),
            defaultValue: .string("ประปา"), help: LocalizedMessage(th: "แหล่งน้ำดื่ม", en: "Drinking water"),
            choices: ["ประปา", "บ่อ"]))
        extended.fields.append(FieldDefinition(key: "head", type: .reference, reference: "people", archived: true))
        extended.fields.append(FieldDefinition(key: "born", type: .date, min: .text("1900-01-01"), pattern: nil))
        let data = try JSONEncoder().encode(extended)
        let back = try JSONDecoder().decode(DatasetSchema.self, from: data)
        #expect(back == extended)
        // The JSON uses the API's key names.
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""default":"ประปา""#) && text.contains(#""type":"reference""#) && text.contains(#""reference":"people""#))
    }

    @Test func labelWithOneLanguageUsesItForBoth() throws {
        let f = try JSONDecoder().decode(FieldDefinition.self, from: Data(#"{"key": "a", "type": "text", "label": {"th": "ชื่อ"}}"#.utf8))
        #expect(f.label == LocalizedMessage(th: "ชื่อ", en: "ชื่อ"))
    }

    @Test func keyRules() {
        #expect(DatasetSchema.isValidKey("a"))
        #expect(DatasetSchema.isValidKey("house_no2"))
        #expect(DatasetSchema.isValidKey("a" + String(repeating: "b", count: 62)))
        #expect(!DatasetSchema.isValidKey("a" + String(repeating: "b", count: 63)))
        #expect(!DatasetSchema.isValidKey(""))
        #expect(!DatasetSchema.isValidKey("2a"))
        #expect(!DatasetSchema.isValidKey("_a"))
        #expect(!DatasetSchema.isValidKey("House"))
        #expect(!DatasetSchema.isValidKey("บ้าน"))
        #expect(!DatasetSchema.isValidKey("a-b"))
    }

    @Test func schemaProblems() {
        let schema = DatasetSchema(fields: [
            FieldDefinition(key: "Bad Key", type: .text),                                   // key
            FieldDefinition(key: "a", type: .text),
            FieldDefinition(key: "a", type: .integer),                                      // duplicate
            FieldDefinition(key: "c", type: .choice),                                       // no choices
            FieldDefinition(key: "m", type: .multiChoice, choices: ["x", "X "]),             // same choice twice
            FieldDefinition(key: "n", type: .integer, min: .number(10), max: .number(5)),    // min > max
            FieldDefinition(key: "p", type: .text, pattern: "[0-9"),                        // bad regex
            FieldDefinition(key: "d", type: .integer, min: .number(0), defaultValue: .number(-1)), // default below min
            FieldDefinition(key: "e", type: .date, defaultValue: .string("31/02/2566")),   // no such date
            FieldDefinition(key: "r", type: .reference),                                    // no target
            FieldDefinition(key: "b", type: .boolean, min: .number(1)),                     // bounds on boolean
            FieldDefinition(key: "t", type: .date, min: .text("2024-01-01"), max: .text("1/1/2566")), // 2024 > 2023
            FieldDefinition(key: "ok", type: .choice, defaultValue: .string("ใช่"), choices: ["ใช่", "ไม่ใช่"]),
        ])
        let problems = schema.problems()
        let fields = problems.map(\.field)
        #expect(fields == ["fields[0]", "a", "c", "m", "n", "p", "d", "e", "r", "b", "t"])
        #expect(problems.allSatisfy { !$0.message.th.isEmpty && !$0.message.en.isEmpty })
        #expect(problems[1].message.en.contains("used by another field"))
        #expect(problems[4].message.en.contains("minimum is greater than the maximum"))
        #expect(problems[6].message.en.contains("default is not valid"))
    }

    @Test func choicesOnlyOnChoiceTypes() {
        let schema = DatasetSchema(fields: [FieldDefinition(key: "a", type: .text, choices: ["x"])])
        #expect(schema.problems().count == 1)
    }
}
