import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct ValueJSONTests {
    let schema = DatasetSchema(fields: [
        FieldDefinition(key: "t", type: .text), FieldDefinition(key: "lt", type: .longText),
        FieldDefinition(key: "i", type: .integer), FieldDefinition(key: "d", type: .decimal),
        FieldDefinition(key: "day", type: .date), FieldDefinition(key: "at", type: .datetime),
        FieldDefinition(key: "b", type: .boolean), FieldDefinition(key: "c", type: .choice, choices: ["x", "y"]),
        FieldDefinition(key: "mc", type: .multiChoice, choices: ["x", "y"]), FieldDefinition(key: "id", type: .thaiID),
        FieldDefinition(key: "ph", type: .phone), FieldDefinition(key: "em", type: .email),
        FieldDefinition(key: "pt", type: .point), FieldDefinition(key: "ar", type: .area),
        FieldDefinition(key: "fi", type: .file), FieldDefinition(key: "vi", type: .village),
        FieldDefinition(key: "re", type: .reference, reference: "people"), FieldDefinition(key: "nothing", type: .text),
    ])

    var sample: RecordValues {
        [
            "t": .text("บ้าน \"ใหม่\""), "lt": .text("a\nb"), "i": .integer(-42), "d": .decimal(Decimal(string: "1234.50")!),
            "day": .date(day(2023, 3, 15)), "at": .datetime(Date(timeIntervalSince1970: 1_678_863_900)),
            "b": .boolean(true), "c": .choice("x"), "mc": .multiChoice(["y", "x"]),
            "id": .thaiID(try! ThaiNationalID(validID1)), "ph": .phone("0812345678"), "em": .email("a@b.go.th"),
            "pt": .point(GeoPoint(lat: 14.68, lon: 102.53)),
            "ar": .area(json(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#)),
            "fi": .file("file:6f9619ff-8b86-d011-b42d-00c04fc964ff"), "vi": .village(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!),
            "re": .reference(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!), "nothing": .null,
        ]
    }

    @Test func exactJSONShapes() throws {
        let data = try schema.encodeValues(sample)
        let text = String(decoding: data, as: UTF8.self)
        for piece in [
            #""day":"2023-03-15""#, #""at":"2023-03-15T14:05:00+07:00""#, #""pt":{"lat":14.68,"lon":102.53}"#,
            #""mc":["y","x"]"#, #""nothing":null"#, #""i":-42"#, #""d":1234.5"#, #""b":true"#,
            #""id":"1234567890121""#, #""ph":"0812345678""#, #""vi":"6F9619FF-8B86-D011-B42D-00C04FC964FF""#,
            #""ar":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}"#,
        ] {
            #expect(text.contains(piece), "\(piece) in \(text)")
        }
    }

    @Test func roundTripWithSchema() throws {
        let data = try schema.encodeValues(sample)
        let back = try schema.decodeValues(from: data)
        var expected = sample
        expected["nothing"] = .null
        #expect(back == expected)
        #expect(try schema.decodeValues(fromJSON: String(decoding: data, as: UTF8.self)) == expected, "stored as text")
    }

    @Test func legacyFileValuesStayReadable() throws {
        // Stored before file fields took only stored files and links: read back as they are.
        #expect(try schema.decodeValues(fromJSON: #"{"fi": "uploads/f/1.jpg"}"#)["fi"] == .file("uploads/f/1.jpg"))
        #expect(try schema.decodeVersion(fromJSON: #"{"fi": "1.jpg"}"#).values["fi"] == .file("1.jpg"))
        #expect(throws: FieldError.self) { try schema.field("fi")!.parse(text: "1.jpg") }
    }

    @Test func textFormReadsBack() throws {
        for (key, value) in sample where !value.isNull {
            let f = schema.field(key)!
            #expect(try f.parse(text: value.text) == value, "\(key): \(value.text)")
        }
    }

    @Test func untypedDecodingGuesses() throws {
        let values = try JSONDecoder().decode(RecordValues.self, from: Data(#"{"a": 3, "b": 2.5, "c": "x", "d": [ "p" ], "e": {"lat": 1, "lon": 2}, "f": null, "g": false}"#.utf8))
        #expect(values["a"] == .integer(3))
        #expect(values["b"] == .decimal(Decimal(string: "2.5")!))
        #expect(values["c"] == .text("x"))
        #expect(values["d"] == .multiChoice(["p"]))
        #expect(values["e"] == .point(GeoPoint(lat: 1, lon: 2)))
        #expect(values["f"] == .null)
        #expect(values["g"] == .boolean(false))
    }

    @Test func decodeValuesRejectsWrongTypes() {
        #expect(throws: FieldError.self) { try schema.decodeValues(from: Data(#"{"day": "31/02/2566"}"#.utf8)) }
        #expect(throws: FieldError.self) { try schema.decodeValues(from: Data(#"{"i": "many"}"#.utf8)) }
        #expect(throws: FieldError.self) { try schema.decodeValues(fromJSON: #"{"i": "many"}"#) }
        #expect(throws: JSONSyntaxError.self) { try schema.decodeValues(fromJSON: #"["i"]"#) }
        #expect(throws: JSONSyntaxError.self) { try schema.decodeValues(fromJSON: #"{"i": 1"#) }
    }

    @Test func apiExampleRecord() throws {
        let s = try decodeSchema(apiExampleBody)
        let body = #"{"house_no": "12/3", "owner_id": "1-2345-67890-12-1", "members": 4, "surveyed_on": "15/03/2566", "location": {"lat": 14.68, "lon": 102.53}}"#
        let input = try JSONDecoder().decode([String: JSONValue].self, from: Data(body.utf8))
        let r = s.validate(.json(input))
        #expect(r.isValid)
        let out = String(decoding: try s.encodeValues(r.values), as: UTF8.self)
        #expect(out == #"{"house_no":"12/3","location":{"lat":14.68,"lon":102.53},"members":4,"owner_id":"1234567890121","surveyed_on":"2023-03-15"}"#)
    }
}
