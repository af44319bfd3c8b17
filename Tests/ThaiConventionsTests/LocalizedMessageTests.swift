import Foundation
import Testing
@testable import ThaiConventions

@Suite("LocalizedMessage")
struct LocalizedMessageTests {
    @Test func picksLanguage() {
        let m = LocalizedMessage(th: "สวัสดี", en: "Hello")
        #expect(m.text(in: .th) == "สวัสดี")
        #expect(m.text(in: .en) == "Hello")
        #expect(m.description == "สวัสดี / Hello")
    }

    @Test func encodesAsThAndEnKeys() throws {
        let m = LocalizedMessage(th: "ก", en: "a")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(m), as: UTF8.self)
        #expect(json == #"{"en":"a","th":"ก"}"#)
        #expect(try JSONDecoder().decode(LocalizedMessage.self, from: Data(json.utf8)) == m)
    }

    @Test func everyErrorIsBilingual() {
        let errors: [any BilingualError] = [
            ThaiDateError.empty, ThaiDateError.unrecognizedFormat("x"), ThaiDateError.ambiguousYear("1/1/66"),
            ThaiDateError.nonexistentDate(year: 2023, month: 2, day: 31),
            ThaiDateError.nonexistentDate(year: 2023, month: 13, day: 1),
            ThaiDateError.yearOutOfRange(0), ThaiDateError.excelSerialOutOfRange(0),
            ThaiDateError.excelNonexistentLeapDay,
            ThaiNationalIDError.wrongLength(found: 12), ThaiNationalIDError.invalidCharacter("x"),
            ThaiNationalIDError.wrongCheckDigit(expected: 1, found: 3),
            ThaiTextCodecError.unrecognizedEncoding, ThaiTextCodecError.invalidUTF8,
            ThaiTextCodecError.undefinedByte(0xDB, offset: 0, encoding: .tis620),
            ThaiTextCodecError.unencodableCharacter("😀", offset: 0),
        ]
        for e in errors {
            let th = e.message.th, en = e.message.en
            #expect(th.unicodeScalars.contains { (0x0E01...0x0E5B).contains($0.value) }, "no Thai in \(th)")
            #expect(!en.isEmpty && en.unicodeScalars.first!.isASCII, "English should start in ASCII: \(en)")
            #expect(th != en)
        }
    }
}
