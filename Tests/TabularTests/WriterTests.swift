import Foundation
import Testing
@testable import Tabular
import ThaiConventions

@Suite("CSV writing")
struct CSVWriterTests {
    @Test func bomCRLFAndQuotingOnlyWhenNeeded() throws {
        let csv = CSVWriter()
        try csv.writeRow(["ชื่อ", "note"])
        try csv.writeRow(["a,b", "say \"hi\""])
        try csv.writeRow(["two\nlines", " padded"])
        try csv.writeRow(["", "plain"])
        try csv.finish()
        let bytes = [UInt8](csv.drain())
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == "ชื่อ,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\" padded\"\r\n,plain\r\n")
        #expect(throws: TabularError.alreadyFinished) { try csv.writeRow(["x"]) }
    }

    @Test func roundTripThroughAFileAndTheReader() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let rows: [[String]] = [
            ["บ้านเลขที่", "เจ้าของ", "หมายเหตุ"],
            ["12/3", "นาง สมหญิง \"แดง\"", "หลังวัด,\r\nติดถนน"],
            ["", "", ""],
            ["99", "x", "semi;colon\ttab"],
        ]
        let csv = CSVWriter(fileHandle: handle, delimiter: .semicolon)
        for row in rows { try csv.writeRow(row) }
        try csv.finish()
        try handle.close()
        let reader = try CSVReader(url: url)
        #expect(reader.encoding == .utf8WithBOM)
        #expect(reader.delimiter == .semicolon)
        #expect(try reader.readAll().map(\.fields) == rows)
    }

    /// /dev/full refuses every write with ENOSPC, as a full disk does.
    @Test func aFullDiskIsToldApartFromOtherWriteFailures() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let csv = CSVWriter(fileHandle: full)
        let error = #expect(throws: TabularError.self) {
            for i in 0..<10_000 { try csv.writeRow(["\(i)", "บ้านเลขที่ \(i) หมู่ 3"]) }
            try csv.finish()
        }
        #expect(error == .noSpace(path: "output"))
        #expect(error?.message.th == "พื้นที่จัดเก็บเต็ม เขียนไฟล์ output ไม่ได้")

        #expect(isOutOfSpace(POSIXError(.ENOSPC)))
        #expect(isOutOfSpace(POSIXError(.EDQUOT)))
        #expect(isOutOfSpace(CocoaError(.fileWriteOutOfSpace)))
        #expect(!isOutOfSpace(POSIXError(.EACCES)))
        #expect(!isOutOfSpace(CocoaError(.fileWriteNoPermission)))
        #expect(TabularError.writing("x.csv", POSIXError(.EACCES)) != .noSpace(path: "x.csv"))
    }
}

@Suite("GeoJSON writing")
struct GeoJSONWriterTests {
    func parse(_ data: Data) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func featureCollectionParsesBackWithFullPrecision() throws {
        let geo = GeoJSONWriter()
        let lon = 102.12345678901234, lat = 14.680000000000001
        try geo.writeFeature(id: "r1", geometry: .point(GeoPosition(longitude: lon, latitude: lat)), properties: [
            ("ชื่อ", .string("บ่อน้ำ \"หมู่ 3\"\n\u{1}")), ("depth", .number(12.5)), ("count", .integer(-7)),
            ("public", .bool(true)), ("note", .null), ("bad", .number(.nan)),
        ])
        // A clockwise, unclosed square: must come out closed and counter-clockwise.
        let square = [(100.0, 0.0), (100.0, 1.0), (101.0, 1.0), (101.0, 0.0)].map { GeoPosition(longitude: $0.0, latitude: $0.1) }
        try geo.writeFeature(geometry: .polygon([square]), properties: [])
        try geo.writeFeature(geometry: .multiPolygon([[square], [square.map { GeoPosition(longitude: $0.longitude + 5, latitude: $0.latitude) }]]), properties: [("k", .string("v"))])
        try geo.writeFeature(geometry: nil, properties: [])
        try geo.finish()
        let data = geo.drain()
        // Full precision: the text is the shortest one that reads back bit-exact (checked with
        // Double(_:) because Foundation's JSON parser on Linux rounds some 17-digit values).
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("[\(lon),\(lat)]"))
        #expect(Double("\(lon)") == lon && Double("\(lat)") == lat)
        let json = try parse(data)
        #expect(json["type"] as? String == "FeatureCollection")
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 4)

        let point = features[0]
        #expect(point["type"] as? String == "Feature")
        #expect(point["id"] as? String == "r1")
        let geometry = try #require(point["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "Point")
        let coords = try #require(geometry["coordinates"] as? [Double])
        #expect(coords.count == 2)
        #expect(abs(coords[0] - lon) < 1e-12 && abs(coords[1] - lat) < 1e-12)   // [lon, lat]
        let props = try #require(point["properties"] as? [String: Any])
        #expect(props["ชื่อ"] as? String == "บ่อน้ำ \"หมู่ 3\"\n\u{1}")
        #expect(props["depth"] as? Double == 12.5)
        #expect(props["count"] as? Int == -7)
        #expect(props["public"] as? Bool == true)
        #expect(props["note"] is NSNull)
        #expect(props["bad"] is NSNull)

        let polygon = try #require(features[1]["geometry"] as? [String: Any])
        #expect(polygon["type"] as? String == "Polygon")
        let ring = try #require((polygon["coordinates"] as? [[[Double]]])?.first)
        #expect(ring.count == 5)
        #expect(ring.first == ring.last)
        var twiceArea = 0.0
        for i in 0..<(ring.count - 1) { twiceArea += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] }
        #expect(twiceArea > 0, "exterior ring must be counter-clockwise")

        let multi = try #require(features[2]["geometry"] as? [String: Any])
        #expect(multi["type"] as? String == "MultiPolygon")
        #expect((multi["coordinates"] as? [[[[Double]]]])?.count == 2)
        #expect(features[3]["geometry"] is NSNull)
    }

    @Test func emptyCollectionIsValid() throws {
        let geo = GeoJSONWriter()
        try geo.finish()
        let json = try parse(geo.drain())
        #expect((json["features"] as? [Any])?.isEmpty == true)
    }

    @Test func ogrinfoOpensTheFileWhenInstalled() throws {
        let candidates = ["/usr/bin/ogrinfo", "/usr/local/bin/ogrinfo"]
        guard let ogrinfo = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("points.geojson")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let geo = GeoJSONWriter(fileHandle: handle)
        for i in 0..<3 {
            try geo.writeFeature(geometry: .point(GeoPosition(longitude: 102.5 + Double(i) / 100, latitude: 14.68)),
                                 properties: [("name", .string("จุด \(i)")), ("n", .integer(i))])
        }
        try geo.finish()
        try handle.close()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ogrinfo)
        process.arguments = ["-ro", "-al", "-so", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("Feature Count: 3"), "\(output)")
        #expect(output.contains("Point"), "\(output)")
    }
}
