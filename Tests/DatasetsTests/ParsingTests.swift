import Foundation
import Testing
import ThaiConventions
@testable import Datasets

@Suite struct TextParsingTests {
    @Test func blankIsNull() throws {
        for type in FieldType.allCases {
            let f = field(type, choices: type.hasChoices ? ["ก"] : [])
            #expect(try f.parse(text: "  \u{200B} ") == .null)
            #expect(try f.parse(json: .null) == .null)
        }
    }

    @Test func text() throws {
        #expect(try field(.text).parse(text: "  บ้านเลขที่ 12/3 ") == .text("บ้านเลขที่ 12/3"))
        #expect(try field(.longText).parse(text: "บรรทัด 1\nบรรทัด 2") == .text("บรรทัด 1\nบรรทัด 2"))
    }

    @Test(arguments: [
        ("12", Int64(12)), ("๑๒", 12), ("1,234", 1234), ("๑,๒๓๔", 1234), ("-5", -5), ("+7", 7), ("12.0", 12),
        ("9223372036854775807", Int64.max),
    ])
    func integerValid(_ text: String, _ expected: Int64) throws {
        #expect(try field(.integer).parse(text: text) == .integer(expected))
    }

    @Test(arguments: ["12.5", "abc", "1,2", "12a", "9223372036854775808", "1 234"])
    func integerInvalid(_ text: String) {
        let e = textError(field(.integer, th: "จำนวนคน", en: "Members"), text)
        #expect(e != nil)
        #expect(e?.message.th.hasPrefix("จำนวนคน: ") == true)
        #expect(e?.message.en.hasPrefix("Members: ") == true)
        #expect(e?.field == "f")
    }

    @Test func decimalIsExact() throws {
        #expect(try field(.decimal).parse(text: "๑,๒๓๔.๕๐") == .decimal(Decimal(string: "1234.50")!))
        #expect(try field(.decimal).parse(text: "0.1") == .decimal(Decimal(string: "0.1")!))
        // 0.1 as a Double is not 1/10; the parsed Decimal is exactly 1/10.
        if case .decimal(let d)? = try? field(.decimal).parse(text: "0.1") { #expect(d * 10 == 1) }
        #expect(textError(field(.decimal), "1.2.3") != nil)
        #expect(textError(field(.decimal), "สิบ") != nil)
    }

    @Test(arguments: [
        ("15/03/2566", 2023, 3, 15), ("15/3/2566", 2023, 3, 15), ("๑๕/๐๓/๒๕๖๖", 2023, 3, 15),
        ("15 มี.ค. 2566", 2023, 3, 15), ("15 มีนาคม พ.ศ. 2566", 2023, 3, 15), ("2023-03-15", 2023, 3, 15),
        ("15/03/2023", 2023, 3, 15), ("45000", 2023, 3, 15), ("45000.75", 2023, 3, 15),
        ("1", 1900, 1, 1), ("29/02/2567", 2024, 2, 29),
        // An Excel date cell with a time format, as the XLSX reader gives it.
        ("2024-03-16T00:00:00", 2024, 3, 16), ("2024-03-16 00:00", 2024, 3, 16), ("2024-03-16T23:59:59+07:00", 2024, 3, 16),
    ])
    func dateValid(_ text: String, _ y: Int, _ m: Int, _ d: Int) throws {
        #expect(try field(.date).parse(text: text) == .date(day(y, m, d)))
    }

    @Test(arguments: ["31/02/2566", "15/03/66", "60", "พรุ่งนี้", "29/02/2566", "0", "2024-03-16T25:00:00", "2024-02-30T00:00:00", "2024-03-16Tnoon"])
    func dateInvalid(_ text: String) {
        #expect(textError(field(.date, th: "วันสำรวจ", en: "Surveyed on"), text)?.message.en.hasPrefix("Surveyed on: ") == true)
    }

    @Test func datetime() throws {
        // 2023-03-15 is day 19431 since 1970 (Excel 45000 − 25569); 14:05 Bangkok = 07:05 UTC.
        let expected = Date(timeIntervalSince1970: 19431 * 86400 + 7 * 3600 + 5 * 60)
        let f = field(.datetime)
        for text in ["2023-03-15T14:05:00+07:00", "2023-03-15T07:05:00Z", "2023-03-15T16:05:00+09:00",
                     "2023-03-15 14:05", "15/03/2566 14:05", "๑๕/๐๓/๒๕๖๖ ๑๔:๐๕", "15 มี.ค. 2566 14.05 น.",
                     "2023-03-15T14:05:00.999+07:00", "2023-03-15T00:05:00-0700"] {
            #expect(try f.parse(text: text) == .datetime(expected), "\(text)")
        }
        // Excel serial with a time fraction: 45000 + (14h05m / 24h).
        #expect(try f.parse(text: String(45000 + (14.0 * 60 + 5) / 1440)) == .datetime(expected))
        // A bare date is midnight in Bangkok.
        #expect(try f.parse(text: "15/03/2566") == .datetime(Date(timeIntervalSince1970: 19431 * 86400 - 7 * 3600)))
        for bad in ["15/03/2566 25:00", "15/03/2566 14:61", "เมื่อวาน", "2023-03-15T14:05:00+25:00"] {
            #expect(textError(f, bad) != nil, "\(bad)")
        }
        #expect(FieldValue.datetime(expected).json == .string("2023-03-15T14:05:00+07:00"))
    }

    @Test func boolean() throws {
        let f = field(.boolean)
        for t in ["ใช่", "มี", "yes", "YES", "True", "1", "๑", "✓", " y "] { #expect(try f.parse(text: t) == .boolean(true), "\(t)") }
        for t in ["ไม่ใช่", "ไม่มี", "no", "No", "FALSE", "0", "๐"] { #expect(try f.parse(text: t) == .boolean(false), "\(t)") }
        #expect(textError(f, "บางที") != nil)
        #expect(textError(f, "2") != nil)
    }

    @Test func thaiID() throws {
        let f = field(.thaiID, th: "เลขบัตร", en: "ID")
        #expect(try f.parse(text: validID1) == .thaiID(try ThaiNationalID(validID1)))
        #expect(try f.parse(text: "1-2345-67890-12-1") == .thaiID(try ThaiNationalID(validID1)))
        #expect(try f.parse(text: "๓ ๑๐๐๕ ๐๐๑๒๓ ๔๕ ๘") == .thaiID(try ThaiNationalID(validID2)))
        // 1234567890122: same first 12 digits as validID1, whose check digit is 1, not 2.
        let wrongCheck = textError(f, "1234567890122")
        #expect(wrongCheck?.message.en.hasPrefix("ID: ") == true)
        #expect(wrongCheck?.message.en.contains("check digit") == true)
        // 1103700012345: check digit of 110370001234 is 6 (see Support.swift), 5 is wrong.
        #expect(textError(f, "1103700012345") != nil)
        #expect(textError(f, "123456789012") != nil)       // 12 digits
        #expect(textError(f, "12345678901x1") != nil)
        if case .thaiID(let id)? = try? f.parse(text: validID3) { #expect(id.digits == validID3) } else { Issue.record("not parsed") }
    }

    @Test func phone() throws {
        let f = field(.phone)
        #expect(try f.parse(text: "081-234-5678") == .phone("0812345678"))
        #expect(try f.parse(text: "+66 81 234 5678") == .phone("0812345678"))
        #expect(try f.parse(text: "+66-2-123-4567") == .phone("021234567"))
        #expect(try f.parse(text: "๐๘๑ ๒๓๔ ๕๖๗๘") == .phone("0812345678"))
        #expect(try f.parse(text: "044-123456") == .phone("044123456"))
        #expect(try f.parse(text: "(044) 123 456") == .phone("044123456"))
        #expect(try f.parse(text: "66812345678") == .phone("0812345678"))
        for bad in ["12345678", "0812345", "08123456789", "+1 212 555 0100", "081-234-567x", "812345678"] {
            #expect(textError(f, bad) != nil, "\(bad)")
        }
    }

    @Test func email() throws {
        let f = field(.email)
        #expect(try f.parse(text: " Somchai.J@NongKi.go.th ") == .email("Somchai.J@nongki.go.th"))
        for bad in ["somchai", "a@b", "a@@b.com", "a b@c.com", "@c.com", "a@-x.com", "a@c.", "a@c.t"] {
            #expect(textError(f, bad) != nil, "\(bad)")
        }
    }

    @Test func point() throws {
        let f = field(.point, th: "พิกัด", en: "Location")
        let p = FieldValue.point(GeoPoint(lat: 14.68, lon: 102.53))
        #expect(try f.parse(text: "14.68, 102.53") == p)
        #expect(try f.parse(text: "14.68 102.53") == p)
        #expect(try f.parse(text: "14.68,102.53") == p)
        #expect(try f.parse(text: "๑๔.๖๘, ๑๐๒.๕๓") == p)
        #expect(try f.parse(text: #"{"lat": 14.68, "lon": 102.53}"#) == p)
        #expect(try f.parse(json: json(#"{"lat": 14.68, "lon": 102.53}"#)) == p)
        #expect(try f.parse(text: "-90, 180") == .point(GeoPoint(lat: -90, lon: 180)))
        // Out of range: latitude beyond ±90 (a swapped pair), longitude beyond ±180.
        #expect(textError(f, "102.53, 14.68")?.message.en == "Location: the point is out of range (latitude −90 to 90, longitude −180 to 180)")
        #expect(textError(f, "14.68, 180.5") != nil)
        #expect(textError(f, "14.68") != nil)
        #expect(textError(f, "14.68, 102.53, 5") != nil)
        #expect(textError(f, "north") != nil)
    }

    @Test func choice() throws {
        let f = field(.choice, choices: ["น้ำประปา", "บ่อบาดาล", "Rain water"])
        #expect(try f.parse(text: "บ่อ บาดาล") == .choice("บ่อบาดาล"))
        #expect(try f.parse(text: "rain WATER") == .choice("Rain water"))
        #expect(try f.parse(text: "rainwater") == .choice("Rain water"))
        #expect(textError(f, "บ่อ")?.message.en.contains("not one of the choices") == true)
    }

    @Test func multiChoice() throws {
        let f = field(.multiChoice, choices: ["เบาหวาน", "ความดันโลหิตสูง", "A, B"])
        #expect(try f.parse(text: "เบาหวาน, ความดัน โลหิตสูง") == .multiChoice(["เบาหวาน", "ความดันโลหิตสูง"]))
        #expect(try f.parse(text: "ความดันโลหิตสูง;เบาหวาน|เบาหวาน") == .multiChoice(["ความดันโลหิตสูง", "เบาหวาน"]))
        #expect(try f.parse(text: "a, b") == .multiChoice(["A, B"]))
        #expect(try f.parse(json: json(#"["เบาหวาน"]"#)) == .multiChoice(["เบาหวาน"]))
        #expect(textError(f, "เบาหวาน, หอบหืด") != nil)
    }

    @Test func area() throws {
        let f = field(.area)
        let square = #"{"type": "Polygon", "coordinates": [[[102.5, 14.6], [102.6, 14.6], [102.6, 14.7], [102.5, 14.6]]]}"#
        guard case .area(let g) = try f.parse(text: square) else { Issue.record("not an area"); return }
        #expect(g == json(square))
        let multi = #"{"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}"#
        #expect(try f.parse(json: json(multi)) == .area(json(multi)))
        let feature = #"{"type": "Feature", "properties": {}, "geometry": \#(square)}"#
        #expect(try f.parse(text: feature) == .area(json(square)))
        for bad in [
            #"{"type": "Point", "coordinates": [102.5, 14.6]}"#,
            #"{"type": "Polygon", "coordinates": [[[102.5, 14.6], [102.6, 14.6], [102.5, 14.6]]]}"#,            // 3 positions
            #"{"type": "Polygon", "coordinates": [[[102.5, 14.6], [102.6, 14.6], [102.6, 14.7], [102.5, 14.7]]]}"#, // not closed
            #"{"type": "Polygon", "coordinates": [[[200, 14.6], [102.6, 14.6], [102.6, 14.7], [200, 14.6]]]}"#,   // longitude 200
            "not json",
        ] {
            #expect(textError(f, bad) != nil, "\(bad)")
        }
    }

    @Test func fileVillageReference() throws {
        #expect(try field(.file).parse(text: "https://example.go.th/a.jpg") == .file("https://example.go.th/a.jpg"))
        #expect(try field(.file).parse(text: "FILE:6F9619FF-8B86-D011-B42D-00C04FC964FF") == .file("file:6f9619ff-8b86-d011-b42d-00c04fc964ff"))
        for bad in ["uploads/abc.jpg", "javascript:alert(1)", "file:42", "https://", "ftp://x.org/a"] {
            #expect(textError(field(.file), bad) != nil, "\(bad)")
        }
        let id = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        #expect(try field(.village).parse(text: "6f9619ff-8b86-d011-b42d-00c04fc964ff") == .village(id))
        #expect(try field(.reference).parse(json: .string(id.uuidString)) == .reference(id))
        #expect(textError(field(.village), "หมู่ 3") != nil)
        #expect(textError(field(.reference), "42") != nil)
    }
}

@Suite struct JSONParsingTests {
    @Test func nativeJSONTypes() throws {
        #expect(try field(.integer).parse(json: .number(4)) == .integer(4))
        #expect(try field(.integer).parse(json: .string("๔")) == .integer(4))
        #expect(throws: FieldError.self) { try field(.integer).parse(json: .number(Decimal(string: "4.5")!)) }
        #expect(throws: FieldError.self) { try field(.integer).parse(json: .bool(true)) }
        if case .array(let a) = json("[12345678901234567.89]") {
            #expect(try field(.decimal).parse(json: a[0]) == .decimal(Decimal(string: "12345678901234567.89")!))
        }
        #expect(try field(.boolean).parse(json: .bool(false)) == .boolean(false))
        #expect(try field(.boolean).parse(json: .string("ใช่")) == .boolean(true))
        #expect(try field(.date).parse(json: .string("2023-03-15")) == .date(day(2023, 3, 15)))
        #expect(throws: FieldError.self) { try field(.text).parse(json: json("[1]")) }
        #expect(throws: FieldError.self) { try field(.point).parse(json: .string("x")) }
        #expect(throws: FieldError.self) { try field(.point).parse(json: json(#"{"lat": 95, "lon": 100}"#)) }
        #expect(throws: FieldError.self) { try field(.multiChoice, choices: ["a"]).parse(json: json("[1]")) }
    }
}
