import Foundation
import Testing
import ZIPFoundation
@testable import Tabular
import ThaiConventions

/// Zips XML parts into an .xlsx at `url`, the way a test builds a workbook by hand.
func zipParts(_ parts: [String: String], to url: URL) throws {
    let archive = try Archive(url: url, accessMode: .create)
    for (path, xml) in parts.sorted(by: { $0.key < $1.key }) {
        let data = Data(xml.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}

private let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
private let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
private let pkgNS = "http://schemas.openxmlformats.org/package/2006/relationships"

/// A minimal workbook written by hand: two sheets whose relationships point to files in the
/// opposite order, shared strings with rich text and a phonetic hint, and date styles.
func handBuiltWorkbook() -> [String: String] {
    [
        "[Content_Types].xml": """
        <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/></Types>
        """,
        "_rels/.rels": """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\(pkgNS)">\
        <Relationship Id="rId1" Type="\(relNS)/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """,
        "xl/workbook.xml": """
        <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(mainNS)" xmlns:r="\(relNS)"><workbookPr/>\
        <sheets><sheet name="ข้อมูล" sheetId="7" r:id="rId9"/><sheet name="Other" sheetId="2" r:id="rId3" state="hidden"/></sheets></workbook>
        """,
        "xl/_rels/workbook.xml.rels": """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\(pkgNS)">\
        <Relationship Id="rId9" Type="\(relNS)/worksheet" Target="worksheets/sheet2.xml"/>\
        <Relationship Id="rId3" Type="\(relNS)/worksheet" Target="/xl/worksheets/sheet1.xml"/>\
        <Relationship Id="rId4" Type="\(relNS)/sharedStrings" Target="sharedStrings.xml"/>\
        <Relationship Id="rId5" Type="\(relNS)/styles" Target="styles.xml"/></Relationships>
        """,
        "xl/sharedStrings.xml": """
        <?xml version="1.0" encoding="UTF-8"?><sst xmlns="\(mainNS)" count="3" uniqueCount="3">\
        <si><t>ชื่อ</t></si>\
        <si><r><rPr><b/></rPr><t xml:space="preserve">Hello </t></r><r><t>โลก</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>\
        <si><t>A &amp; B &lt;c&gt;_x000D_</t></si></sst>
        """,
        "xl/styles.xml": """
        <?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="\(mainNS)">\
        <numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/>\
        <numFmt numFmtId="166" formatCode="[Red]0.00"/><numFmt numFmtId="167" formatCode="[$-107041E]d\\ mmm\\ bbbb"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/>\
        <xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="167"/></cellXfs></styleSheet>
        """,
        "xl/worksheets/sheet1.xml": """
        <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\(mainNS)"><sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>
        """,
        "xl/worksheets/sheet2.xml": """
        <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\(mainNS)"><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>\
        <row r="2"><c r="A2" s="1"><v>45000</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" t="inlineStr"><is><t>ข้อความ</t></is></c>\
        <c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="b"><v>0</v></c><c r="F2" t="str"><f>A1&amp;"x"</f><v>ชื่อx</v></c></row>\
        <row r="3" customHeight="1"/>\
        <row r="4"><c r="A4" s="2"><v>45000</v></c><c r="B4" s="3"><v>45000</v></c><c r="C4" s="4"><v>45000</v></c>\
        <c r="D4" s="5"><v>45000.5</v></c><c r="E4" s="6"><v>45000</v></c><c r="F4"><v>1234567890123</v></c><c r="G4"><v>0.1</v></c>\
        <c r="H4" t="s"><v>2</v></c><c r="I4" t="inlineStr"><is><r><t>ริช</t></r><r><t>เท็กซ์</t></r></is></c></row>\
        <row><c><v>1</v></c><c><v>2</v></c><c r="E5"><v>5</v></c></row>\
        </sheetData></worksheet>
        """,
    ]
}

@Suite("XLSX")
struct XLSXTests {
    @Test func handBuiltWorkbookIsReadCellByCell() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("hand.xlsx")
        try zipParts(handBuiltWorkbook(), to: url)
        let book = try XLSXWorkbook(url: url)
        #expect(book.sheetNames == ["ข้อมูล", "Other"])
        #expect(book.sheets[1].isHidden)
        #expect(book.sheets[0].path == "xl/worksheets/sheet2.xml")

        let rows = try book.rows()
        #expect(rows.map(\.number) == [1, 2, 4, 5])   // row 3 is empty and skipped
        #expect(rows[0].cells == [.text("ชื่อ"), .empty, .text("Hello โลก")])
        let day = try CalendarDay(year: 2023, month: 3, day: 15)
        #expect(rows[1].cells == [.date(day), .bool(true), .text("ข้อความ"), .error("#N/A"), .bool(false), .text("ชื่อx")])
        let r4 = rows[2]
        #expect(r4[0] == .date(day))                               // custom dd/mm/yyyy
        #expect(r4[1] == .number(45000, raw: "45000"))             // 0.00"d": the d is quoted text
        #expect(r4[2] == .number(45000, raw: "45000"))             // [Red]0.00: bracket, not a date
        #expect(r4[3] == .dateTime(LocalDateTime(day: day, hour: 12, minute: 0)))
        #expect(r4[4] == .date(day))                               // Thai Buddhist-era format
        #expect(r4[5].textValue == "1234567890123")
        #expect(r4[6] == .number(0.1, raw: "0.1"))
        #expect(r4[7] == .text("A & B <c>\r"))
        #expect(r4[8] == .text("ริชเท็กซ์"))
        #expect(rows[3].cells == [.integer(1), .integer(2), .empty, .empty, .integer(5)])

        #expect(try book.rows(inSheet: "Other").map(\.textValues) == [["42"]])
        #expect(throws: TabularError.sheetNotFound("Nope")) { try book.rows(inSheet: "Nope") }
    }

    @Test func date1904SystemShiftsSerials() throws {
        var parts = handBuiltWorkbook()
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"]!.replacingOccurrences(of: "<workbookPr/>", with: "<workbookPr date1904=\"1\"/>")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("1904.xlsx")
        try zipParts(parts, to: url)
        let book = try XLSXWorkbook(url: url)
        #expect(book.uses1904Dates)
        // 1904 serial 43538 is 1900 serial 45000.
        #expect(try CalendarDay(excelSerial: 45000 - 1462).adding(days: 1462) == (try CalendarDay(year: 2023, month: 3, day: 15)))
        let a2 = try book.rows()[1][0]
        #expect(a2 == .date(try CalendarDay(year: 2023, month: 3, day: 15).adding(days: 1462)))
    }

    @Test func rowCallbackErrorsStopReadingAndPropagate() throws {
        struct Stop: Error {}
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("hand.xlsx")
        try zipParts(handBuiltWorkbook(), to: url)
        var seen = 0
        #expect(throws: Stop.self) {
            try XLSXWorkbook(url: url).forEachRow { _ in seen += 1; if seen == 2 { throw Stop() } }
        }
        #expect(seen == 2)
    }

    @Test func notAWorkbookIsRefused() throws {
        #expect(throws: TabularError.self) { try XLSXWorkbook(data: Data("id,name\n1,x\n".utf8)) }
        var parts = handBuiltWorkbook()
        parts["xl/worksheets/sheet2.xml"] = "<worksheet><sheetData><row><c>"
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("broken.xlsx")
        try zipParts(parts, to: url)
        var caught: TabularError?
        do { _ = try XLSXWorkbook(url: url).rows() } catch let e as TabularError { caught = e }
        guard case .malformedXML(let part, _, _)? = caught else {
            Issue.record("expected malformedXML, got \(String(describing: caught)) \(String(describing: try? XLSXWorkbook(url: url).rows()))")
            return
        }
        #expect(part == "xl/worksheets/sheet2.xml")
    }

    @Test func writerOutputReadsBack() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.xlsx")
        let day = try CalendarDay(year: 2024, month: 2, day: 29)
        let moment = LocalDateTime(day: day, hour: 13, minute: 45, second: 30)
        let writer = try XLSXWriter(url: url, sheetName: "ครัวเรือน/2567")
        try writer.writeHeader(["บ้านเลขที่", "สมาชิก", "สำรวจ", "เวลา", "มีน้ำ", "รหัส", "หมายเหตุ"])
        try writer.writeRow([.text("12/3"), .integer(4), .date(day), .dateTime(moment), .bool(true), .number(1234567890123), .text(" <นาง> & \"ก\" ")])
        try writer.writeRow([.text("ctl\u{1}_x0041_"), .empty, .empty, .empty, .bool(false), .number(-0.25), .error("#N/A")])
        try writer.writeRow([])
        try writer.writeRow([.empty, .text("ลำดับ\nสอง")])
        try writer.finish()

        let book = try XLSXWorkbook(url: url)
        #expect(book.sheetNames == ["ครัวเรือน_2567"])
        let rows = try book.rows()
        #expect(rows.map(\.number) == [1, 2, 3, 5])
        #expect(rows[0].textValues == ["บ้านเลขที่", "สมาชิก", "สำรวจ", "เวลา", "มีน้ำ", "รหัส", "หมายเหตุ"])
        #expect(rows[1].cells == [.text("12/3"), .integer(4), .date(day), .dateTime(moment), .bool(true), .integer(1234567890123), .text(" <นาง> & \"ก\" ")])
        #expect(rows[1][3].textValue == "2024-02-29T13:45:30")
        #expect(rows[2].cells == [.text("ctl\u{1}_x0041_"), .empty, .empty, .empty, .bool(false), .number(-0.25, raw: "-0.25"), .error("#N/A")])
        #expect(rows[3].cells == [.empty, .text("ลำดับ\nสอง")])

        // The header row is bold: its cells use a style whose font is bold.
        let archive = try Archive(url: url, accessMode: .read)
        var sheetXML = Data()
        _ = try archive.extract(try #require(archive["xl/worksheets/sheet1.xml"])) { sheetXML.append($0) }
        let sheet = String(decoding: sheetXML, as: UTF8.self)
        #expect(sheet.contains(#"<c r="A1" t="inlineStr" s="1">"#))
        #expect(sheet.contains(#"state="frozen""#))
        var stylesXML = Data()
        _ = try archive.extract(try #require(archive["xl/styles.xml"])) { stylesXML.append($0) }
        #expect(String(decoding: stylesXML, as: UTF8.self).contains(#"<font><b/>"#))
        #expect(throws: TabularError.alreadyFinished) { try writer.writeRow([.text("late")]) }
    }

    @Test func writerRefusesOverlongCells() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try XLSXWriter(url: dir.appendingPathComponent("x.xlsx"))
        try writer.writeRow([.text("ok")])
        #expect(throws: TabularError.cellTooLong(row: 2, column: 2)) {
            try writer.writeRow([.text("a"), .text(String(repeating: "ก", count: 32_768))])
        }
    }

    @Test func manyRowsRoundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("many.xlsx")
        let writer = try XLSXWriter(url: url)
        try writer.writeHeader(["id", "name", "value"])
        let n = 5_000
        for i in 0..<n { try writer.writeRow([.integer(i), .text("แถว \(i)"), .number(Double(i) / 8)]) }
        try writer.finish()
        var count = 0, sum = 0.0
        try XLSXWorkbook(url: url).forEachRow { row in
            count += 1
            guard row.number > 1 else { return }
            #expect(row[1] == .text("แถว \(row.number - 2)"))
            if case let .number(v, _) = row[2] { sum += v }
        }
        #expect(count == n + 1)
        #expect(sum == Double(n * (n - 1) / 2) / 8)
    }

    @Test func dateFormatClassification() {
        #expect(DateKind.classify("dd/mm/yyyy") == .date)
        #expect(DateKind.classify("mmm-yy") == .date)
        #expect(DateKind.classify("yyyy-mm-dd hh:mm:ss") == .dateTime)
        #expect(DateKind.classify("h:mm AM/PM") == .time)
        #expect(DateKind.classify("General") == .none)
        #expect(DateKind.classify("0.00E+00") == .none)
        #expect(DateKind.classify("#,##0\\ \"days\"") == .none)
        #expect(DateKind.classify("[h]:mm") == .time)   // elapsed hours: a duration, not a date
        #expect(DateKind.classify("[Red][<=100]0") == .none)
        #expect(DateKind.classify("[$-th-TH]d mmmm bbbb") == .date)
        #expect(DateKind(numFmtID: 14, code: nil) == .date)
        #expect(DateKind(numFmtID: 22, code: nil) == .dateTime)
        #expect(DateKind(numFmtID: 45, code: nil) == .time)
        #expect(DateKind(numFmtID: 3, code: nil) == .none)
    }

    @Test func columnReferences() {
        #expect(columnLetters(0) == "A" && columnLetters(25) == "Z" && columnLetters(26) == "AA" && columnLetters(16383) == "XFD")
        #expect(columnIndex(ofReference: "C7") == 2 && columnIndex(ofReference: "AA10") == 26 && columnIndex(ofReference: "xfd1") == 16383)
        #expect(columnIndex(ofReference: "12") == nil)
    }
}
