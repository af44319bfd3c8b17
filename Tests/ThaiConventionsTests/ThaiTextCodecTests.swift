import Foundation
import Testing
@testable import ThaiConventions

// Expectations come from the standards, not from the implementation's table:
// TIS-620 bytes 0xA1…0xDA are U+0E01 (ก) … U+0E3A (ฺ) in order, 0xDF…0xFB are U+0E3F (฿) …
// U+0E5B (๛); 58 + 29 = 87 characters.
private let tisBytes: [UInt8] = Array(0xA1...0xDA) + Array(0xDF...0xFB)
private let tisScalars: [Unicode.Scalar] = (Array(0x0E01...0x0E3A) + Array(0x0E3F...0x0E5B)).map { Unicode.Scalar($0)! }

@Suite("ThaiTextCodec")
struct ThaiTextCodecTests {
    @Test func tis620RoundTripOfAll87Characters() throws {
        #expect(tisBytes.count == 87 && tisScalars.count == 87)
        var all = String.UnicodeScalarView()
        all.append(contentsOf: tisScalars)
        let text = String(all)
        #expect(try ThaiTextCodec.decode(tisBytes, as: .tis620) == text)
        #expect(try ThaiTextCodec.encodeWindows874(text) == tisBytes)
        let detected = try ThaiTextCodec.decode(tisBytes)
        #expect(detected == DecodedText(text: text, encoding: .tis620))
        // One by one, so a single wrong entry names itself.
        for (b, s) in zip(tisBytes, tisScalars) {
            #expect(try ThaiTextCodec.decode([b], as: .tis620).unicodeScalars.first == s, "byte \(b)")
        }
    }

    @Test func landmarkCharacters() throws {
        // Well-known positions: ก first, ฮ 0xCE, ฿ 0xDF, เ 0xE0, ๐ 0xF0, ๙ 0xF9, ๛ 0xFB.
        #expect(try ThaiTextCodec.decode([0xA1, 0xCE, 0xDF, 0xE0, 0xF0, 0xF9, 0xFB], as: .tis620) == "กฮ฿เ๐๙๛")
        // "ภาษาไทย" in TIS-620: ภ 0xC0, า 0xD2, ษ 0xC9, า 0xD2, ไ 0xE4, ท 0xB7, ย 0xC2.
        let bytes: [UInt8] = [0xC0, 0xD2, 0xC9, 0xD2, 0xE4, 0xB7, 0xC2]
        #expect(try ThaiTextCodec.decode(bytes) == DecodedText(text: "ภาษาไทย", encoding: .tis620))
        #expect(try ThaiTextCodec.encodeWindows874("ภาษาไทย") == bytes)
    }

    @Test func windows874Extras() throws {
        let pairs: [(UInt8, String)] = [
            (0x80, "€"), (0x85, "…"), (0x91, "‘"), (0x92, "’"), (0x93, "“"), (0x94, "”"),
            (0x95, "•"), (0x96, "–"), (0x97, "—"), (0xA0, "\u{00A0}"),
        ]
        for (b, s) in pairs {
            #expect(try ThaiTextCodec.decode([b], as: .windows874) == s)
            #expect(try ThaiTextCodec.encodeWindows874(s) == [b])
            #expect(throws: ThaiTextCodecError.undefinedByte(b, offset: 0, encoding: .tis620)) {
                try ThaiTextCodec.decode([b], as: .tis620)
            }
        }
        // Thai text quoted with curly quotes: detected as Windows-874.
        let bytes: [UInt8] = [0x93, 0xC0, 0xD2, 0xC9, 0xD2, 0xE4, 0xB7, 0xC2, 0x94, 0x85]  // “ภาษาไทย”…
        #expect(try ThaiTextCodec.decode(bytes) == DecodedText(text: "“ภาษาไทย”…", encoding: .windows874))
        // Thai bytes must dominate the high bytes: 2 Thai against 3 punctuation is refused.
        #expect(throws: ThaiTextCodecError.unrecognizedEncoding) {
            try ThaiTextCodec.decode([0x93, 0xA1, 0xD2, 0x94, 0x85])
        }
    }

    @Test func undefinedBytes() {
        for b: UInt8 in [0xDB, 0xDC, 0xDD, 0xDE, 0xFC, 0xFF, 0x81, 0x98] {
            #expect(throws: ThaiTextCodecError.undefinedByte(b, offset: 2, encoding: .windows874)) {
                try ThaiTextCodec.decode([0x41, 0xA1, b], as: .windows874)
            }
        }
        // Mostly Thai with one undefined byte: detected as legacy, then rejected at its offset.
        #expect(throws: ThaiTextCodecError.undefinedByte(0xDB, offset: 3, encoding: .tis620)) {
            try ThaiTextCodec.decode([0xA1, 0xA2, 0xA3, 0xDB])
        }
    }

    @Test func utf8IsPreferredAndBOMIsReported() throws {
        let thai = "สวัสดี, ๑๒๓"
        #expect(try ThaiTextCodec.decode(Array(thai.utf8)) == DecodedText(text: thai, encoding: .utf8))
        let withBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(thai.utf8)
        #expect(try ThaiTextCodec.decode(withBOM) == DecodedText(text: thai, encoding: .utf8WithBOM))
        #expect(try ThaiTextCodec.decode(Data(withBOM)) == DecodedText(text: thai, encoding: .utf8WithBOM))
        #expect(try ThaiTextCodec.decode(withBOM, as: .utf8) == thai)
        // A BOM alone is an empty UTF-8 file.
        #expect(try ThaiTextCodec.decode([0xEF, 0xBB, 0xBF]) == DecodedText(text: "", encoding: .utf8WithBOM))
        // Only the first BOM is a BOM; a second one is text (U+FEFF).
        #expect(try ThaiTextCodec.decode([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF]).text == "\u{FEFF}")
    }

    @Test func emptyAndASCII() throws {
        #expect(try ThaiTextCodec.decode([UInt8]()) == DecodedText(text: "", encoding: .utf8))
        #expect(try ThaiTextCodec.decode(Array("a,b\r\n1,2".utf8)) == DecodedText(text: "a,b\r\n1,2", encoding: .utf8))
        #expect(try ThaiTextCodec.encodeWindows874("") == [])
        #expect(ThaiTextCodec.utf8WithBOM("") == [0xEF, 0xBB, 0xBF])
    }

    @Test func invalidBytes() {
        // Latin-1 "café" (é = 0xE9 is in 0xA1–0xFB, but so is every high byte here): 1 of 1
        // high bytes is "Thai", so it decodes as TIS-620 — a known limit of byte statistics.
        // Bytes mostly outside 0xA1–0xFB are refused instead of guessed.
        #expect(throws: ThaiTextCodecError.unrecognizedEncoding) {
            try ThaiTextCodec.decode([0x41, 0x81, 0x82, 0x83, 0xA1])
        }
        // UTF-16LE "ก" with BOM: FF FE 01 0E — FF/FE are outside the Thai range.
        #expect(throws: ThaiTextCodecError.unrecognizedEncoding) {
            try ThaiTextCodec.decode([0xFF, 0xFE, 0x01, 0x0E])
        }
        // A BOM followed by broken UTF-8.
        #expect(throws: ThaiTextCodecError.invalidUTF8) { try ThaiTextCodec.decode([0xEF, 0xBB, 0xBF, 0xE0, 0xB8]) }
        #expect(throws: ThaiTextCodecError.invalidUTF8) { try ThaiTextCodec.decode([0xC0, 0xAF], as: .utf8) }
    }

    @Test func encodingRejectsWhatWindows874CannotHold() throws {
        #expect(throws: ThaiTextCodecError.unencodableCharacter("😀", offset: 2)) {
            try ThaiTextCodec.encodeWindows874("กข😀")
        }
        #expect(throws: ThaiTextCodecError.unencodableCharacter("\u{0E3B}", offset: 0)) {
            try ThaiTextCodec.encodeWindows874("\u{0E3B}")   // unassigned gap U+0E3B–U+0E3E
        }
        #expect(try ThaiTextCodec.encodeWindows874("ก😀é", replacement: UInt8(ascii: "?")) == [0xA1, 0x3F, 0x3F])
    }

    @Test func csvForExcelStartsWithBOM() throws {
        let csv = "ชื่อ,อายุ\r\nสมชาย,๔๒\r\n"
        let bytes = ThaiTextCodec.utf8WithBOM(csv)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(bytes.dropFirst(3)) == Array(csv.utf8))
        #expect(try ThaiTextCodec.decode(bytes) == DecodedText(text: csv, encoding: .utf8WithBOM))
    }

    @Test func legacyRoundTripOfMixedText() throws {
        let text = "ที่อยู่: 99/1 หมู่ ๔ “บ้านสวน” – ราคา 1,500 ฿"
        let bytes = try ThaiTextCodec.encodeWindows874(text)
        #expect(bytes.count == text.unicodeScalars.count)         // one byte per character
        #expect(try ThaiTextCodec.decode(bytes) == DecodedText(text: text, encoding: .windows874))
    }
}
