import Foundation
import Testing
@testable import ThaiConventions

// Check digits computed by hand: weights 13, 12, ..., 2 on digits 1..12 (weight = 14 − i),
// check = (11 − sum mod 11) mod 10.
//
// 1-2345-67890-12-?: 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2
//   = 13+24+33+40+45+48+49+48+45+0+3+4 = 352; 352 mod 11 = 0; (11 − 0) mod 10 = 1.
// 3-1012-00123-45-?: 39+12+0+10+18+0+0+6+10+12+12+10 = 129; 129 mod 11 = 8; 11 − 8 = 3.
// 3-1005-01234-56-?: 39+12+0+0+45+0+7+12+15+16+15+12 = 173; 173 mod 11 = 8; 11 − 8 = 3.
// 1-1037-00123-45-?: 13+12+0+30+63+0+0+6+10+12+12+10 = 168; 168 mod 11 = 3; 11 − 3 = 8.
// 0-1000-00000-00-?: 1·12 = 12; 12 mod 11 = 1; (11 − 1) mod 10 = 0   (the "10 → 0" case).
// 0-0000-00000-00-?: 0; 0 mod 11 = 0; (11 − 0) mod 10 = 1            (the "11 → 1" case).
// 1-0000-00000-00-?: 1·13 = 13; 13 mod 11 = 2; 11 − 2 = 9.
@Suite("ThaiNationalID")
struct ThaiNationalIDTests {
    @Test(arguments: [
        "1234567890121", "3101200123453", "3100501234563", "1103700123458",
        "0100000000000", "0000000000001", "1000000000009",
    ])
    func acceptsValidIDs(id: String) throws {
        #expect(try ThaiNationalID(id).digits == id)
        #expect(ThaiNationalID.isValid(id))
    }

    @Test func checkDigitFunction() {
        #expect(ThaiNationalID.checkDigit(for: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]) == 1)
        #expect(ThaiNationalID.checkDigit(for: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == 0)
        #expect(ThaiNationalID.checkDigit(for: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == 1)
    }

    @Test func acceptsDashesSpacesAndThaiDigits() throws {
        let expected = "1234567890121"
        #expect(try ThaiNationalID("1-2345-67890-12-1").digits == expected)
        #expect(try ThaiNationalID(" 1 2345 67890 12 1 ").digits == expected)
        #expect(try ThaiNationalID("๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑").digits == expected)
        #expect(try ThaiNationalID("๑๒๓๔๕๖๗๘๙๐๑๒๑").digits == expected)
    }

    @Test func formatsAsOnTheCard() throws {
        #expect(try ThaiNationalID("1234567890121").formatted == "1-2345-67890-12-1")
        #expect(try ThaiNationalID("3101200123453").description == "3-1012-00123-45-3")
    }

    @Test func wrongCheckDigit() {
        // The spec's display example 1-2345-67890-12-3 has check digit 3, but 1 is correct.
        #expect(throws: ThaiNationalIDError.wrongCheckDigit(expected: 1, found: 3)) {
            try ThaiNationalID("1-2345-67890-12-3")
        }
        // One mistyped digit (3101200123453 with the 5th digit 2 → 3) changes the sum by 9:
        // 129 + 9 = 138; 138 mod 11 = 6; 11 − 6 = 5, so the final 3 no longer matches.
        #expect(throws: ThaiNationalIDError.wrongCheckDigit(expected: 5, found: 3)) {
            try ThaiNationalID("3101300123453")
        }
        #expect(!ThaiNationalID.isValid("1234567890123"))
    }

    @Test func wrongLength() {
        #expect(throws: ThaiNationalIDError.wrongLength(found: 0)) { try ThaiNationalID("") }
        #expect(throws: ThaiNationalIDError.wrongLength(found: 12)) { try ThaiNationalID("123456789012") }
        #expect(throws: ThaiNationalIDError.wrongLength(found: 14)) { try ThaiNationalID("12345678901211") }
        #expect(throws: ThaiNationalIDError.invalidCharacter("x")) { try ThaiNationalID("123456789012x") }
        #expect(throws: ThaiNationalIDError.invalidCharacter(".")) { try ThaiNationalID("1.2345.67890.12.1") }
    }

    @Test func messagesSayWhatIsWrong() {
        let length = ThaiNationalIDError.wrongLength(found: 12).message
        #expect(length.th.contains("13 หลัก") && length.th.contains("12"))
        #expect(length.en.contains("13 digits") && length.en.contains("12"))
        let checksum = ThaiNationalIDError.wrongCheckDigit(expected: 1, found: 3).message
        #expect(checksum.th.contains("หลักตรวจสอบ"))
        #expect(checksum.en.contains("check digit"))
    }

    @Test func codableAsDigits() throws {
        let id = try ThaiNationalID("1-2345-67890-12-1")
        #expect(String(decoding: try JSONEncoder().encode([id]), as: UTF8.self) == #"["1234567890121"]"#)
        #expect(try JSONDecoder().decode([ThaiNationalID].self, from: Data(#"["1234567890121"]"#.utf8)) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ThaiNationalID].self, from: Data(#"["1234567890123"]"#.utf8))
        }
    }
}
