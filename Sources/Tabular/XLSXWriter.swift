import Foundation
import ThaiConventions
import ZIPFoundation

/// Writes a one-sheet Excel workbook (.xlsx) row by row.
///
/// Rows are streamed to a temporary sheet file; `finish()` zips it with the other (tiny) parts, so
/// a million rows never sit in memory. Strings are written inline (no shared-string table to
/// keep), dates with a `yyyy-mm-dd` style, date-times with `yyyy-mm-dd hh:mm:ss`, and the header
/// row in bold and frozen.
///
/// ```swift
/// let xlsx = try XLSXWriter(url: out, sheetName: "ครัวเรือน")
/// try xlsx.writeHeader(["บ้านเลขที่", "สมาชิก", "สำรวจเมื่อ"])
/// try xlsx.writeRow([.text("12/3"), .integer(4), .date(day)])
/// try xlsx.finish()
/// ```
public final class XLSXWriter {
    /// Rows an Excel sheet holds.
    public static let maxRows = 1_048_576
    /// Characters (UTF-16 units) an Excel cell holds.
    public static let maxCellCharacters = 32_767

    private let url: URL
    private let sheetName: String
    private let tempDirectory: URL
    private let sheetURL: URL
    private let handle: FileHandle
    private let out: OutputBuffer
    private var rowCount = 0
    private var started = false
    private var finished = false

    /// Prepares a workbook to be written at `url` (replaced if it exists) when `finish()` is called.
    /// The sheet name is cleaned to Excel's rules (no `[]:*?/\`, at most 31 characters).
    public init(url: URL, sheetName: String = "Sheet1") throws(TabularError) {
        self.url = url
        self.sheetName = Self.cleanSheetName(sheetName)
        tempDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mueang-xlsx-\(UUID().uuidString)")
        sheetURL = tempDirectory.appendingPathComponent("sheet1.xml")
        do {
            try FileManager.default.createDirectory(at: tempDirectory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: sheetURL.path, contents: nil)
            handle = try FileHandle(forWritingTo: sheetURL)
        } catch {
            throw .writing(url.lastPathComponent, error)
        }
        out = OutputBuffer(handle: handle, name: url.lastPathComponent)
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: tempDirectory)
    }

    /// Writes a bold header row (frozen when it is the first row).
    public func writeHeader(_ titles: [String]) throws(TabularError) {
        try write(titles.map(CellValue.text), header: true)
    }

    /// Writes one row; `.empty` cells are left out (the sheet stays sparse).
    public func writeRow(_ cells: [CellValue]) throws(TabularError) {
        try write(cells, header: false)
    }

    /// Zips the workbook to `url` and removes the temporary files.
    public func finish() throws(TabularError) {
        guard !finished else { return }
        finished = true
        if !started { startSheet(frozenHeader: false) }
        out.append("</sheetData></worksheet>")
        try out.flush()
        do {
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            let archive = try Archive(url: url, accessMode: .create)
            for (path, text) in staticParts() {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
        } catch {
            throw .writing(url.lastPathComponent, error)
        }
        try? FileManager.default.removeItem(at: tempDirectory)
    }

    // MARK: Sheet XML

    private static let styleHeader = 1, styleDate = 2, styleDateTime = 3

    private func startSheet(frozenHeader: Bool) {
        started = true
        out.append(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)
        out.append(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        if frozenHeader {
            out.append(#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#)
        }
        out.append("<sheetData>")
    }

    private func write(_ cells: [CellValue], header: Bool) throws(TabularError) {
        guard !finished else { throw .alreadyFinished }
        guard rowCount < Self.maxRows else { throw .tooManyRows }
        if !started { startSheet(frozenHeader: header) }
        rowCount += 1
        let r = String(rowCount)
        out.append("<row r=\"\(r)\">")
        for (column, cell) in cells.enumerated() {
            let ref = columnLetters(column) + r
            switch cell {
            case .empty:
                continue
            case let .text(s):
                guard s.utf16.count <= Self.maxCellCharacters else { throw .cellTooLong(row: rowCount, column: column + 1) }
                out.append("<c r=\"\(ref)\" t=\"inlineStr\"\(header ? " s=\"\(Self.styleHeader)\"" : "")><is>")
                let first = s.utf8.first, last = s.utf8.last
                let preserve = first.map(isXMLSpace) == true || last.map(isXMLSpace) == true
                out.append(preserve ? #"<t xml:space="preserve">"# : "<t>")
                appendEscapedXML(s, to: out)
                out.append("</t></is></c>")
            case let .number(d, _):
                guard d.isFinite else {
                    out.append("<c r=\"\(ref)\" t=\"e\"><v>#NUM!</v></c>")
                    continue
                }
                out.append("<c r=\"\(ref)\"><v>\(formatNumber(d))</v></c>")
            case let .bool(b):
                out.append("<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>")
            case let .date(day):
                if let serial = day.excelSerial {
                    out.append("<c r=\"\(ref)\" s=\"\(Self.styleDate)\"><v>\(serial)</v></c>")
                } else {   // before 1900: Excel has no serial, keep the ISO text
                    out.append("<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(day.iso8601)</t></is></c>")
                }
            case let .dateTime(dt):
                if let serial = dt.excelSerial {
                    out.append("<c r=\"\(ref)\" s=\"\(Self.styleDateTime)\"><v>\(formatNumber(serial))</v></c>")
                } else {
                    out.append("<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(dt.iso8601)</t></is></c>")
                }
            case let .error(e):
                out.append("<c r=\"\(ref)\" t=\"e\"><v>")
                appendEscapedXML(e, to: out)
                out.append("</v></c>")
            }
        }
        out.append("</row>")
        try out.flushIfNeeded()
    }

    // MARK: Fixed parts

    private func staticParts() -> [(String, String)] {
        let xmlHeader = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let pkgRel = "http://schemas.openxmlformats.org/package/2006/relationships"
        let escapedName = escapeXML(sheetName)
        return [
            ("[Content_Types].xml", xmlHeader + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """),
            ("_rels/.rels", xmlHeader + """
            <Relationships xmlns="\(pkgRel)">\
            <Relationship Id="rId1" Type="\(rel)/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """),
            ("xl/workbook.xml", xmlHeader + """
            <workbook xmlns="\(main)" xmlns:r="\(rel)">\
            <sheets><sheet name="\(escapedName)" sheetId="1" r:id="rId1"/></sheets>\
            </workbook>
            """),
            ("xl/_rels/workbook.xml.rels", xmlHeader + """
            <Relationships xmlns="\(pkgRel)">\
            <Relationship Id="rId1" Type="\(rel)/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(rel)/styles" Target="styles.xml"/>\
            </Relationships>
            """),
            ("xl/styles.xml", xmlHeader + """
            <styleSheet xmlns="\(main)">\
            <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
            <fonts count="2"><font><sz val="11"/><name val="Tahoma"/><family val="2"/></font>\
            <font><b/><sz val="11"/><name val="Tahoma"/><family val="2"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="4">\
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            </cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """),
        ]
    }

    static func cleanSheetName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var cleaned = String(name.map { forbidden.contains($0) ? "_" : $0 })
        while cleaned.utf16.count > 31 { cleaned.removeLast() }
        cleaned = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }
}

@inline(__always) private func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

/// Appends `text` escaped for XML content or attributes. Control characters XML cannot carry are
/// written as OOXML `_xHHHH_` escapes, and a literal `_xHHHH_` is protected as `_x005F_xHHHH_`.
func appendEscapedXML(_ text: String, to out: OutputBuffer) {
    let utf8 = text.utf8
    var needsWork = false
    for b in utf8 where b < 0x20 || b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
        || b == UInt8(ascii: "\"") || b == UInt8(ascii: "_") {
        needsWork = true
        break
    }
    if !needsWork {
        out.append(utf8)
        return
    }
    let bytes = Array(utf8)
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        switch b {
        case UInt8(ascii: "&"): out.append("&amp;")
        case UInt8(ascii: "<"): out.append("&lt;")
        case UInt8(ascii: ">"): out.append("&gt;")
        case UInt8(ascii: "\""): out.append("&quot;")
        case 0x09, 0x0A, 0x0D: out.append(b)
        case 0..<0x20:
            out.append("_x00" + (b < 0x10 ? "0" : "") + String(b, radix: 16, uppercase: true) + "_")
        case UInt8(ascii: "_"):
            if looksLikeOOXMLEscape(bytes, at: i) { out.append("_x005F_") } else { out.append(b) }
        default: out.append(b)
        }
        i += 1
    }
}

func escapeXML(_ text: String) -> String {
    let out = OutputBuffer(handle: nil)
    appendEscapedXML(text, to: out)
    return String(decoding: out.take(), as: UTF8.self)
}

/// True when bytes[i...] starts with `_xHHHH_`.
func looksLikeOOXMLEscape<C: RandomAccessCollection<UInt8>>(_ bytes: C, at i: C.Index) -> Bool {
    guard bytes.distance(from: i, to: bytes.endIndex) >= 7 else { return false }
    var j = i
    guard bytes[j] == UInt8(ascii: "_") else { return false }
    j = bytes.index(after: j)
    guard bytes[j] == UInt8(ascii: "x") else { return false }
    for _ in 0..<4 {
        j = bytes.index(after: j)
        let c = bytes[j]
        let hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
        if !hex { return false }
    }
    j = bytes.index(after: j)
    return bytes[j] == UInt8(ascii: "_")
}

/// Decodes OOXML `_xHHHH_` escapes in text read from a workbook.
func decodeOOXMLEscapes(_ text: String) -> String {
    guard text.utf8.contains(UInt8(ascii: "_")) else { return text }
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "_"), looksLikeOOXMLEscape(bytes, at: i),
           let value = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
           let scalar = Unicode.Scalar(value) {
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            i += 7
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
