import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct ColumnMappingTests {
    let schema = DatasetSchema(fields: [
        FieldDefinition(key: "house_no", type: .text, label: LocalizedMessage(th: "บ้านเลขที่", en: "House no.")),
        FieldDefinition(key: "owner_id", type: .thaiID, label: LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "Owner ID")),
        FieldDefinition(key: "members", type: .integer, label: LocalizedMessage(th: "จำนวนสมาชิก", en: "Members")),
        FieldDefinition(key: "surveyed_on", type: .date, label: LocalizedMessage(th: "วันที่สำรวจ", en: "Surveyed on")),
        FieldDefinition(key: "location", type: .point, label: LocalizedMessage(th: "พิกัด", en: "Location")),
        FieldDefinition(key: "zone", type: .text, label: LocalizedMessage(th: "เขต ๒", en: "Zone 2")),
        FieldDefinition(key: "old", type: .text, label: LocalizedMessage(th: "หมายเหตุ", en: "Note"), archived: true),
    ])

    @Test func thaiAndEnglishHeaders() {
        let headers = ["บ้าน เลขที่", "OWNER_ID", "จำนวนสมาชิก (คน)", "Surveyed-On", "หมายเหตุ", "House No", "เขต 2", "ละติจูด"]
        #expect(schema.suggestColumnMapping(headers: headers) == [
            "house_no",      // Thai label, spacing ignored
            "owner_id",      // key, case and underscore ignored
            "members",       // fuzzy: contains the Thai label
            "surveyed_on",   // English label, hyphen ignored
            nil,             // an archived field's label: not offered
            nil,             // would be house_no, but that is taken by the first column
            "zone",          // Thai digit in the label
            nil,             // nothing like it
        ])
    }

    @Test func englishHeadersAndTypos() {
        #expect(schema.suggestColumnMapping(headers: ["Membrs", "location", "House no.", "Owner id"]) == ["members", "location", "house_no", "owner_id"])
        // An exact match wins over an earlier fuzzy one.
        #expect(schema.suggestColumnMapping(headers: ["Member", "members"]) == [nil, "members"])
        #expect(schema.suggestColumnMapping(headers: []) == [])
        #expect(schema.suggestColumnMapping(headers: ["", "x"]) == [nil, nil])
    }
}

@Suite struct SearchTextTests {
    @Test func normalize() {
        #expect(SearchText.normalize("  ABC\u{200B}  ๑๒๓\t\nค่ะ ") == "abc 123 ค่ะ")
        #expect(SearchText.normalize("ＡＢＣ１") == "abc1")
        // ํ + า typed separately is ำ.
        #expect(SearchText.normalize("ท\u{0E4D}\u{0E32}งาน") == "ทำงาน")
        #expect(SearchText.normalize("น้ำ") == "น้ำ")     // Thai marks are kept
        #expect(SearchText.normalize("บ้าน") != SearchText.normalize("บาน"))
    }

    @Test func matches() {
        #expect(SearchText.matches(query: "สมชาย ๑๒", in: "นายสมชาย ใจดี บ้าน 12/3"))
        #expect(SearchText.matches(query: "SOMCHAI", in: "somchai"))
        #expect(!SearchText.matches(query: "สมหญิง", in: "นายสมชาย"))
        #expect(SearchText.matches(query: "  ", in: "anything"))
    }
}
