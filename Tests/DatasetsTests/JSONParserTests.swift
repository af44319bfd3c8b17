import Foundation
import Testing
import Epidemiology
@testable import Datasets

/// `JSONValue(parsing:)` reads what `JSONDecoder` reads, to the same values, and refuses what it refuses.
@Suite struct JSONParserTests {
    static func decoded(_ text: String) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    static func parsed(_ text: String) -> JSONValue? { try? JSONValue(parsing: Data(text.utf8)) }

    @Test("Valid documents give the values JSONDecoder gives", arguments: [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #"false"#, #""""#, #"0"#, #"-0"#, #"7"#, #"-42"#, #"1234.50"#, #"0.1"#,
        #"14.68"#, #"-12.345e3"#, #"1E-2"#, #"2e+3"#, #"123456789012345678"#, #"99999999999999999999.99"#,
        #"  { "a" : [ 1 , 2.5 , "x" ] , "b" : { "c" : null } }  "#,
        #"{"t":"บ้าน \"ใหม่\"","lt":"a\nb\tc\r\\d\/e\b\f"}"#,
        #"["\u0e01\u0E02", "\ud83d\ude00", "😀 กขค", "\u0000x"]"#,
        #"{"pt":{"lat":14.68,"lon":102.53},"mc":["y","x"],"nothing":null,"b":true,"i":-42}"#,
        #"{"ar":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}}"#,
        #"{"a":1,"a":2}"#,
    ])
    func agreesWithJSONDecoder(text: String) throws {
        let reference = try #require(Self.decoded(text), "JSONDecoder reads \(text)")
        #expect(try JSONValue(parsing: Data(text.utf8)) == reference)
        #expect(try JSONValue(parsing: text) == reference, "read from the string's own storage")
    }

    @Test("Invalid documents are refused with where reading stopped", arguments: [
        "", " ", "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"{a:1}"#, "[1,]", "[1 2]", "01", "1.", ".5", "-", "+1", "1e", "0x10",
        #""abc"#, #""\x""#, #""\u12""#, #""\ud800""#, #""\ud800\u0041""#, #""\udc00""#, "\"a\u{01}b\"", "tru", "nul", "{} x",
        "[" + String(repeating: "[", count: 600) + String(repeating: "]", count: 601),
    ])
    func refusesInvalid(text: String) {
        #expect(Self.parsed(text) == nil, "\(text.prefix(40))")
        let fromBytes = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Data(text.utf8)) }
        let fromString = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
        #expect(fromBytes == fromString, "the same place, read from the string")
    }

    @Test("Bytes that are not UTF-8 inside a string are refused") func refusesBadUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xE0, 0xB8, 0x22], [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]] {
            #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Data(bytes)) }
        }
    }

    /// Values drawn from a seeded generator, written as JSON text and read back both ways.
    @Test("Random documents read back to themselves and to what JSONDecoder reads") func randomRoundTrips() throws {
        var rng = SplitMix64(seed: 20261123)
        for _ in 0..<500 {
            let value = Self.random(&rng, depth: 0)
            let text = value.jsonText
            let back = try JSONValue(parsing: Data(text.utf8))
            #expect(back == value, "\(text)")
            #expect(back == Self.decoded(text), "\(text)")
        }
    }

    static func random(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2:
            let units = Int64(bitPattern: rng.next() % 2_000_000_000_000) - 1_000_000_000_000
            return .number(Decimal(units) / Decimal(sign: .plus, exponent: Int(rng.next() % 5), significand: 1))
        case 3:
            let alphabet = Array("aZ09 กขฃคฅฆงจฉชซฌญ ๐๑๒ \"\\/\n\t\r\u{01}\u{1F}😀é-_.:")
            return .string(String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
        case 4: return .array((0..<Int(rng.next() % 4)).map { _ in random(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for i in 0..<Int(rng.next() % 5) { members["k\(i)\(rng.next() % 3 == 0 ? "ก\"" : "")"] = random(&rng, depth: depth + 1) }
            return .object(members)
        }
    }
}
