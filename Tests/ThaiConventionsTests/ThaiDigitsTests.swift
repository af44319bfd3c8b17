import Foundation
import Testing
@testable import ThaiConventions

@Suite("ThaiDigits")
struct ThaiDigitsTests {
    // ๐ is U+0E50, ๙ is U+0E59; written here as literals, not computed.
    @Test func convertsAllTenDigitsBothWays() {
        #expect(ThaiDigits.toASCII("๐๑๒๓๔๕๖๗๘๙") == "0123456789")
        #expect(ThaiDigits.toThai("0123456789") == "๐๑๒๓๔๕๖๗๘๙")
        #expect("\u{0E50}\u{0E59}" == "๐๙")
    }

    @Test func leavesEverythingElseAlone() {
        #expect(ThaiDigits.toASCII("บ้านเลขที่ ๙๙/๑ ม.๔") == "บ้านเลขที่ 99/1 ม.4")
        #expect(ThaiDigits.toThai("ซอย 5 abc") == "ซอย ๕ abc")
        #expect(ThaiDigits.toASCII("") == "")
        // U+0E4F (๏) and U+0E5A (๚) sit just outside the digit range.
        #expect(ThaiDigits.toASCII("\u{0E4F}\u{0E5A}") == "\u{0E4F}\u{0E5A}")
        #expect(ThaiDigits.toThai("/:") == "/:")   // ASCII neighbours of 0 and 9
    }

    @Test func isThaiDigit() {
        #expect(ThaiDigits.isThaiDigit("๕"))
        #expect(!ThaiDigits.isThaiDigit("5"))
        #expect(!ThaiDigits.isThaiDigit("ก"))
    }

    @Test(arguments: [
        ("42", 42), ("๔๒", 42), ("  1,234  ", 1234), ("๑,๒๓๔", 1234), ("-1,234,567", -1_234_567),
        ("+7", 7), ("0", 0), ("\t๐๐๗\n", 7), ("1234567", 1_234_567),
    ])
    func parsesIntegers(text: String, expected: Int) {
        #expect(ThaiDigits.parseInteger(text) == expected)
    }

    @Test(arguments: [
        "", "   ", "-", "1,23", "12,34,567", ",123", "123,", "1.5", "12a", "a12", "1 234", "๑,๒๓", "--1",
        "99999999999999999999999",
    ])
    func rejectsNonIntegers(text: String) {
        #expect(ThaiDigits.parseInteger(text) == nil)
    }

    @Test func parsesDecimalsExactly() {
        #expect(ThaiDigits.parseDecimal("๑,๒๓๔.๕๐") == Decimal(123_450) / 100)
        #expect(ThaiDigits.parseDecimal(" -0.5 ") == Decimal(-5) / 10)
        #expect(ThaiDigits.parseDecimal(".25") == Decimal(25) / 100)
        #expect(ThaiDigits.parseDecimal("12") == Decimal(12))
        // 0.1 + 0.2 is exactly 0.3 in Decimal; it would not be in Double.
        let sum = ThaiDigits.parseDecimal("0.1")! + ThaiDigits.parseDecimal("0.2")!
        #expect(sum == ThaiDigits.parseDecimal("0.3"))
    }

    @Test func decimalDescriptionFromDigitsIsDecimals() {
        // Random plain numbers, heavy on zeros at both ends, against Decimal's own text.
        var state: UInt64 = 2569
        func next(_ n: UInt64) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % n)
        }
        let digits = Array("0000123456789")
        for _ in 0..<20_000 {
            var text = next(4) == 0 ? "-" : ""
            text += String((0...next(12)).map { _ in digits[next(UInt64(digits.count))] })
            if next(2) == 0 { text += "." + String((0...next(10)).map { _ in digits[next(UInt64(digits.count))] }) }
            #expect(ThaiDigits.decimalDescription(ofPlain: text) == ThaiDigits.parseDecimal(text)?.description, "\(text)")
        }
        for text in ["0.10", "-0.0", "00012.3400", "1000.00", "-0.50", "0.0001"] {
            #expect(ThaiDigits.decimalDescription(ofPlain: text) == ThaiDigits.parseDecimal(text)?.description)
        }
        // Anything not plain is left to Decimal.
        for text in [" 1", "1,000", "๑๒", ".5", "5.", "+1", "1e3", String(repeating: "9", count: 40)] {
            #expect(ThaiDigits.decimalDescription(ofPlain: text) == nil)
        }
    }

    @Test func decimalDescriptionOfBytesAtItsEdges() {
        var inputs = ["0", "-0", "00", "0.0", "-0.000", "1", "-1", "10", "100.00", "0.5", "-0.50", "007.070",
                      String(repeating: "9", count: 31), "-" + String(repeating: "1", count: 30)]
        for whole in ["0", "00", "1", "10", "0010"] {
            for fraction in [nil, "0", "5", "50", "05", "000"] as [String?] {
                for sign in ["", "-"] { inputs.append(sign + whole + (fraction.map { "." + $0 } ?? "")) }
            }
        }
        for input in inputs {
            var out: [UInt8] = []
            let plain = Array(input.utf8).withUnsafeBufferPointer { ThaiDigits.decimalDescription(ofPlain: $0, into: &out) }
            #expect(plain, "\(input)")
            #expect(String(decoding: out, as: UTF8.self) == ThaiDigits.parseDecimal(input)?.description, "\(input)")
            #expect(ThaiDigits.decimalDescription(ofPlain: input) == String(decoding: out, as: UTF8.self), "\(input)")
        }
        // Not plain: nothing is written.
        for input in ["-", "", "1-2", "1..2", "1.2.3", "12a", "๑๒", "1,000", "1.", ".1", "-.5", "--1", String(repeating: "9", count: 32)] {
            var out: [UInt8] = [7]
            let plain = Array(input.utf8).withUnsafeBufferPointer { ThaiDigits.decimalDescription(ofPlain: $0, into: &out) }
            #expect(!plain && out == [7], "\(input)")
            #expect(ThaiDigits.decimalDescription(ofPlain: input) == nil, "\(input)")
        }
    }

    @Test(arguments: ["", "1.", ".", "1.2.3", "1,5.0", "1.2a", "12abc", "1.-2", "๑.๒ บาท"])
    func rejectsNonDecimals(text: String) {
        #expect(ThaiDigits.parseDecimal(text) == nil)
    }
}
