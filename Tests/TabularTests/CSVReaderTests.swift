import Foundation
import Testing
@testable import Tabular
import ThaiConventions

@Suite("CSV reading")
struct CSVReaderTests {
    @Test func quotingEscapesAndEmbeddedLineBreaks() throws {
        let text = "id,name,note\r\n1,\"Somchai, Jr.\",\"he said \"\"hi\"\"\"\r\n2,\"two\nlines\",x\n3,,\"\"\r4,last,\"a\r\nb\""
        let (rows, _) = try readCSV(Array(text.utf8))
        #expect(rows.map(\.fields) == [
            ["id", "name", "note"],
            ["1", "Somchai, Jr.", "he said \"hi\""],
            ["2", "two\nlines", "x"],
            ["3", "", ""],
            ["4", "last", "a\r\nb"],
        ])
        #expect(rows.map(\.number) == [1, 2, 3, 4, 5])
        // Row 3 spans lines 3-4, so row 4 starts on line 5.
        #expect(rows.map(\.line) == [1, 2, 3, 5, 6])
    }

    @Test func byteOrderMarkIsRemovedAndReported() throws {
        let (rows, reader) = try readCSV([0xEF, 0xBB, 0xBF] + Array("ชื่อ,อายุ\r\nสมชาย,30\r\n".utf8))
        #expect(reader.encoding == .utf8WithBOM)
        #expect(rows.map(\.fields) == [["ชื่อ", "อายุ"], ["สมชาย", "30"]])
        #expect(rows[0].fields[0].unicodeScalars.first?.value == 0x0E0A)
    }

    @Test func utf8WithoutBOM() throws {
        let (rows, reader) = try readCSV(Array("ตำบล,หมู่\nในเมือง,๑\n".utf8))
        #expect(reader.encoding == .utf8)
        #expect(rows.last?.fields == ["ในเมือง", "๑"])
    }

    @Test func tis620FileIsDetectedAndDecoded() throws {
        let bytes = tis620Bytes("ชื่อ,ที่อยู่\r\nนางสาวสมหญิง,\"12 หมู่ 3, ตำบลหนองกี่\"\r\n")
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let (rows, reader) = try readCSV(bytes)
        #expect(reader.encoding == .tis620)
        #expect(rows.map(\.fields) == [["ชื่อ", "ที่อยู่"], ["นางสาวสมหญิง", "12 หมู่ 3, ตำบลหนองกี่"]])
    }

    @Test func windows874FileIsDetectedAndDecoded() throws {
        // 0x96 is the en dash and 0x93/0x94 curly quotes, which exist only in Windows-874.
        let bytes = tis620Bytes("ถนน,ช่วง\n") + tis620Bytes("มิตรภาพ,กม. 1") + [0x96] + tis620Bytes("5 ") + [0x93] + tis620Bytes("ใหม่") + [0x94] + [0x0A]
        let (rows, reader) = try readCSV(bytes)
        #expect(reader.encoding == .windows874)
        #expect(rows[1].fields == ["มิตรภาพ", "กม. 1\u{2013}5 \u{201C}ใหม่\u{201D}"])
    }

    @Test func legacyEncodingDecidedAfterALongASCIIPrefix() throws {
        var bytes = Array("code,name\n".utf8)
        for i in 0..<5000 { bytes += Array("\(i),plain ascii row\n".utf8) }
        #expect(bytes.count > 64 * 1024)
        bytes += tis620Bytes("9999,เทศบาล\n")
        let (rows, reader) = try readCSV(bytes)
        #expect(reader.encoding == .tis620)
        #expect(rows.last?.fields == ["9999", "เทศบาล"])
        #expect(rows.last?.number == 5002)
    }

    @Test(arguments: [(";", CSVDelimiter.semicolon), ("\t", .tab), (",", .comma)])
    func delimiterIsDetected(separator: String, expected: CSVDelimiter) throws {
        let text = ["a", "b,c", "d"].joined(separator: separator) + "\n" + ["1", "2", "3"].joined(separator: separator) + "\n"
        let (rows, reader) = try readCSV(Array(text.utf8))
        #expect(reader.delimiter == expected)
        if expected == .comma {
            #expect(rows[0].fields == ["a", "b", "c", "d"])
        } else {
            #expect(rows[0].fields == ["a", "b,c", "d"])
            #expect(rows[1].fields == ["1", "2", "3"])
        }
    }

    @Test func emptyFileHasNoRows() throws {
        let (rows, reader) = try readCSV([])
        #expect(rows.isEmpty)
        #expect(reader.encoding == .utf8)
        #expect(try readCSV([0xEF, 0xBB, 0xBF]).rows.isEmpty)
    }

    @Test func headerOnly() throws {
        #expect(try readCSV(Array("a,b,c".utf8)).rows.map(\.fields) == [["a", "b", "c"]])
        #expect(try readCSV(Array("a,b,c\r\n".utf8)).rows.map(\.fields) == [["a", "b", "c"]])
    }

    @Test func raggedRowsAndBlankLines() throws {
        let (rows, _) = try readCSV(Array("a,b,c\n1\n\n2,3,4,5\n,,\n".utf8))
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1"], ["2", "3", "4", "5"], ["", "", ""]])
        // The blank line is skipped but still counted, like the row Excel would show.
        #expect(rows.map(\.number) == [1, 2, 4, 5])
        #expect(rows[1][2] == "")
        #expect(rows[3].isBlank)
        var keep = CSVReader.Options()
        keep.skipEmptyLines = false
        #expect(try readCSV(Array("a\n\nb\n".utf8), options: keep).rows.map(\.fields) == [["a"], [""], ["b"]])
    }

    @Test func everyChunkBoundaryGivesTheSameRows() throws {
        // Thai UTF-8 is 3 bytes a character, so small chunk sizes cut characters, quoted fields,
        // doubled quotes and CRLF pairs at every possible place.
        let text = "ชื่อ,\"ที่อยู่, หมู่ \"\"๓\"\"\",หมายเหตุ\r\nสมศักดิ์,\"บรรทัดหนึ่ง\r\nบรรทัดสอง\",ก\r\n\"\",x,\"ค\"\r\n"
        let expected = try readCSV(Array(text.utf8)).rows
        #expect(expected.count == 3)
        #expect(expected[0].fields == ["ชื่อ", "ที่อยู่, หมู่ \"๓\"", "หมายเหตุ"])
        #expect(expected[1].fields == ["สมศักดิ์", "บรรทัดหนึ่ง\r\nบรรทัดสอง", "ก"])
        for chunk in 4...40 {
            #expect(try readCSV(Array(text.utf8), chunkSize: chunk).rows == expected, "chunk size \(chunk)")
            #expect(try readCSV([0xEF, 0xBB, 0xBF] + Array(text.utf8), chunkSize: chunk).rows == expected, "chunk size \(chunk)")
        }
        let tis = tis620Bytes(text)
        for chunk in [4, 5, 7, 13] {
            #expect(try readCSV(tis, chunkSize: chunk).rows == expected, "TIS-620, chunk size \(chunk)")
        }
    }

    @Test func readsFromAFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("in.csv")
        try Data(tis620Bytes("ก,ข\r\n\"ค\r\nง\",จ\r\n")).write(to: url)
        let reader = try CSVReader(url: url, options: .init(chunkSize: 5))
        #expect(reader.encoding == .tis620)
        #expect(try reader.readAll().map(\.fields) == [["ก", "ข"], ["ค\r\nง", "จ"]])
        #expect(throws: TabularError.self) { try CSVReader(url: dir.appendingPathComponent("missing.csv")) }
    }

    @Test func unterminatedQuoteNamesItsRow() throws {
        let bytes = Array("a,b\n1,2\n3,\"open\n4,5\n".utf8)
        for chunk in [5, 64 * 1024] {
            var caught: TabularError?
            do { _ = try readCSV(bytes, chunkSize: chunk) } catch let e as TabularError { caught = e }
            #expect(caught == .unterminatedQuote(row: 3, line: 3))
            #expect(caught?.row == 3)
            #expect(caught?.message.th.contains("แถวที่ 3") == true)
            #expect(caught?.message.en.contains("Row 3") == true)
        }
    }

    @Test func invalidUTF8LaterInTheFileNamesItsRow() throws {
        // Valid UTF-8 beyond the 64 KB detection prefix, then a broken byte.
        var bytes = Array("ชื่อ,x\n".utf8)
        for _ in 0..<6000 { bytes += Array("กขค,1\n".utf8) }
        #expect(bytes.count > 64 * 1024)
        bytes += [0x41, 0xFF, 0x0A]
        var caught: TabularError?
        do { _ = try readCSV(bytes) } catch let e as TabularError { caught = e }
        #expect(caught == .invalidText(row: 6002, line: 6002, encoding: .utf8))
        // Within the prefix, the file as a whole is not text in any known encoding.
        #expect(throws: TabularError.unrecognizedEncoding) { try readCSV(Array("ก,1\n".utf8) + [0x41, 0xFF, 0x0A]) }
    }

    @Test func unrecognizedEncodingIsRefused() throws {
        // High bytes outside both UTF-8 and TIS-620's Thai range 0xA1-0xFB.
        #expect(throws: TabularError.unrecognizedEncoding) { try readCSV([0x61, 0xFC, 0xFD, 0x0A, 0x62, 0xFE, 0xFF, 0x0A]) }
    }

    @Test func forcedOptions() throws {
        let (rows, reader) = try readCSV(Array("a;b,c\n".utf8), options: .init(delimiter: .semicolon))
        #expect(reader.delimiter == .semicolon)
        #expect(rows[0].fields == ["a", "b,c"])
        let fromString = try CSVReader(string: "x,\"y\"\n").readAll()
        #expect(fromString.map(\.fields) == [["x", "y"]])
    }

    @Test func twoHundredThousandRowsStreamInBoundedMemory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("big.csv")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let writer = CSVWriter(fileHandle: handle)
        try writer.writeRow(["id", "ชื่อ", "หมู่", "a", "b", "c", "d", "e", "f", "note"])
        let rowCount = 200_000
        for i in 0..<rowCount {
            try writer.writeRow(["\(i)", "นายสมชาย ใจดี \(i)", "\(i % 20)", "1.5", "x", "yy", "zzz", "บ้าน", "\(i * 7)", i % 1000 == 0 ? "quoted, \"note\"\nline" : "plain"])
        }
        try writer.finish()
        try handle.close()
        let fileSize = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        #expect(fileSize > 15_000_000)

        let reader = try CSVReader(url: url)
        var count = 0, sum = 0, largestBuffer = 0
        while let row = try reader.next() {
            largestBuffer = max(largestBuffer, reader.bufferCapacity)
            count += 1
            if count > 1 { sum += Int(row.fields[0])! }
            if count == 1001 + 1 { #expect(row.fields[9] == "quoted, \"note\"\nline") }
        }
        #expect(count == rowCount + 1)
        #expect(sum == rowCount * (rowCount - 1) / 2)
        #expect(reader.encoding == .utf8WithBOM)
        // Streaming: the reader never holds more than a few chunks of the > 15 MB file. (Measured
        // through the buffer, not the process's memory, which tests running alongside also use.)
        #expect(largestBuffer <= 4 * CSVReader.Options().chunkSize, "buffer grew to \(largestBuffer) bytes while reading \(fileSize)")
    }
}

@Test("UTF8Check accepts exactly what String(validating:) accepts")
func utf8CheckAgreesWithTheStandardLibrary() {
    let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
    var checked = 0
    for a in interesting { for b in interesting { for c in interesting { for d in [UInt8(0x41), 0x80, 0xBF, 0xC0] {
        for bytes in [[a], [a, b], [a, b, c], [a, b, c, d], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, a, b, c, d]] {
            let ours = bytes.withUnsafeBufferPointer { UTF8Check.isValid($0) }
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            checked += 1
        }
    } } } }
    #expect(checked > 300_000)
}

@Test("The byte reader gives the rows, numbers and errors the String reader gives")
func recordsAsBytes() throws {
    let text = "ชื่อ,\"ที่อยู่, หมู่ \"\"๓\"\"\",หมายเหตุ\r\nสมศักดิ์,\"บรรทัดหนึ่ง\r\nบรรทัดสอง\",ก\r\n\r\n,,\r\n\"\",x,\"ค\"\r\nlast"
    for bytes in [Array(text.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8), tis620Bytes(text)] {
        for chunk in [4, 7, 64 * 1024] {
            let strings = try CSVReader(data: Data(bytes), options: .init(chunkSize: chunk)).readAll()
            let reader = try CSVReader(data: Data(bytes), options: .init(chunkSize: chunk))
            var records = CSVRecords()
            while try reader.next(into: &records) {}
            #expect(records.count == strings.count)
            #expect((0..<records.count).map { records.strings(of: $0) } == strings.map(\.fields))
            #expect(records.numbers == strings.map(\.number))
            #expect((0..<records.count).map(records.isBlank) == strings.map(\.isBlank))
        }
    }
    var records = CSVRecords()
    let reader = try CSVReader(data: Data("a,b\n,\nc,d\n".utf8))
    while try reader.next(into: &records) { if records.isBlank(records.count - 1) { records.removeLast() } }
    #expect((0..<records.count).map { records.strings(of: $0) } == [["a", "b"], ["c", "d"]])
    // Invalid UTF-8 is refused at the same row either way.
    let broken: [UInt8] = Array("ก,ข\nค,".utf8) + [0xE0, 0xB8] + Array(",x\n".utf8)
    var stringError: TabularError?, byteError: TabularError?
    do { _ = try CSVReader(data: Data(broken), options: .init(encoding: .utf8)).readAll() } catch { stringError = error }
    do {
        let r = try CSVReader(data: Data(broken), options: .init(encoding: .utf8))
        var all = CSVRecords()
        while try r.next(into: &all) {}
    } catch { byteError = error }
    #expect(stringError != nil && stringError == byteError)
}
