import Foundation
import Testing
import Epidemiology
@testable import ThaiConventions
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

/// The quick paths taken for common text give exactly what the full functions give.
@Suite struct QuickPathTests {
    /// Random strings over an alphabet chosen to hit every branch: ASCII of both cases, spaces
    /// and tabs, Thai letters, vowels and tone marks in both orders, ํ, Thai digits, a
    /// zero-width space, full-width letters, and an accented Latin letter.
    static func samples(_ count: Int) -> [String] {
        let alphabet: [String] = ["a", "Z", "q", "7", "-", "/", ".", ",", " ", " ", "\t", "ก", "ข", "บ", "้", "่", "ุ", "ู", "ฺ", "ำ", "ํ", "า",
                                  "เ", "๑", "๙", "\u{200B}", "Ａ", "é", "e\u{301}", "฿", "๏", "\n"]
        var rng = SplitMix64(seed: 2569)
        return (0..<count).map { _ in
            String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined())
        }
    }

    @Test func normalizeEqualsTheFullFolding() {
        var quick = 0
        for s in Self.samples(20_000) + ["ชุมชนบ้านใหม่", "R0000001", "108/1 หมู่ 10, ถนนมิตรภาพ", "กุ่", "กุ่", "Hello World", ""] {
            #expect(SearchText.normalize(s) == SearchText.foldedNormalized(s), "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
            if SearchText.plainNormalized(s) != nil { quick += 1 }
        }
        #expect(quick > 1000)   // the quick path is really taken
    }

    @Test func trimEqualsTrimming() {
        for s in Self.samples(5_000) {
            #expect(FieldParsing.trim(s) == s.trimmingCharacters(in: FieldParsing.trimmed))
        }
    }

    @Test func plainNumbersParseAsBefore() {
        for s in ["0", "-0", "12", "-12.50", "1234567.891", ".5", "5.", "-", "1-2", "1.2.3", "๑๒", "1,234.5", " 7 ", "+3", "00012.0100", "99999999999999999999.5"] {
            let full = Decimal(string: ThaiDigits.toASCII(s).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ""), locale: Locale(identifier: "en_US_POSIX"))
            let parsed = ThaiDigits.parseDecimal(s)
            if ThaiDigits.plainNumber(s) != nil { #expect(parsed == full, "\(s)") }
        }
        #expect(ThaiDigits.plainNumber("12.50") == "12.50")
        #expect(ThaiDigits.plainNumber(".5") == nil && ThaiDigits.parseDecimal(".5") == Decimal(string: "0.5"))
        #expect(ThaiDigits.plainNumber("5.") == nil && ThaiDigits.parseDecimal("5.") == nil)
        #expect(ThaiDigits.parseDecimal("-") == nil && ThaiDigits.parseDecimal("1-2") == nil)
        #expect(ThaiDigits.parseDecimal("๑,๒๓๔.๕") == Decimal(string: "1234.5"))
    }
}
