import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ThaiConventions
import ZIPFoundation

/// One row of a sheet.
public struct XLSXRow: Sendable, Hashable {
    /// The row number Excel shows (1-based; rows Excel omits as empty are skipped).
    public let number: Int
    /// Cells by column (A = 0); missing cells are `.empty`; trailing empty cells are dropped.
    public let cells: [CellValue]

    public init(number: Int, cells: [CellValue]) {
        self.number = number
        self.cells = cells
    }

    /// The cell in `column` (A = 0), `.empty` past the end of the row.
    public subscript(column: Int) -> CellValue { column < cells.count ? cells[column] : .empty }

    /// Every cell as text (`CellValue.textValue`), e.g. to feed a CSV-like importer.
    public var textValues: [String] { cells.map(\.textValue) }
}

/// An Excel workbook (.xlsx) opened for reading.
///
/// Lists sheets and streams the rows of one sheet: the sheet XML is extracted to a temporary file
/// and parsed with a SAX parser, so only the shared strings (which Excel keeps in one table) and
/// the current row are in memory.
///
/// ```swift
/// let book = try XLSXWorkbook(url: upload)
/// print(book.sheetNames)
/// try book.forEachRow(inSheet: nil) { row in … row.number, row[0].textValue … }
/// ```
public final class XLSXWorkbook {
    /// A sheet of the workbook, in workbook order.
    public struct Sheet: Sendable, Hashable {
        public let name: String
        /// Path of the sheet's XML part inside the zip.
        public let path: String
        /// `hidden` / `veryHidden` sheets are listed too.
        public let isHidden: Bool
    }

    /// The sheets, in the order Excel shows their tabs.
    public let sheets: [Sheet]
    /// The sheet names, in order.
    public var sheetNames: [String] { sheets.map(\.name) }
    /// True for workbooks in the 1904 date system (old Mac Excel).
    public let uses1904Dates: Bool

    private let archive: Archive
    private let sharedStringsPath: String?
    private let stylesPath: String?
    private var sharedStrings: [String]?
    private var dateStyles: [DateKind]?

    /// Opens the workbook at `url`. Throws `.notAnXLSX` when it is not a zip with a workbook.
    public convenience init(url: URL) throws(TabularError) {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw .notAnXLSX(reason: "not a zip archive")
        }
        try self.init(archive: archive)
    }

    /// Opens a workbook held in memory (an upload body).
    public convenience init(data: Data) throws(TabularError) {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw .notAnXLSX(reason: "not a zip archive")
        }
        try self.init(archive: archive)
    }

    private init(archive: Archive) throws(TabularError) {
        self.archive = archive
        // The package relationships name the workbook part (almost always xl/workbook.xml).
        var workbookPath = "xl/workbook.xml"
        if let rootRels = try Self.readPart(archive, "_rels/.rels") {
            let rels = try RelationshipsParser.parse(rootRels, part: "_rels/.rels")
            if let office = rels.first(where: { $0.type.hasSuffix("/officeDocument") }) {
                workbookPath = Self.resolve(office.target, relativeTo: "")
            }
        }
        guard let workbookXML = try Self.readPart(archive, workbookPath) else {
            throw .notAnXLSX(reason: "no workbook part")
        }
        let workbook = try WorkbookParser.parse(workbookXML, part: workbookPath)
        let dir = workbookPath.contains("/") ? String(workbookPath[..<workbookPath.lastIndex(of: "/")!]) + "/" : ""
        let relsPath = dir + "_rels/" + (workbookPath.split(separator: "/").last.map(String.init) ?? "workbook.xml") + ".rels"
        let rels = try Self.readPart(archive, relsPath).map { (xml) throws(TabularError) in
            try RelationshipsParser.parse(xml, part: relsPath)
        } ?? []
        var byID: [String: RelationshipsParser.Relationship] = [:]
        for r in rels { byID[r.id] = r }
        var sheets: [Sheet] = []
        for (index, s) in workbook.sheets.enumerated() {
            let path = byID[s.relationshipID].map { Self.resolve($0.target, relativeTo: dir) }
                ?? "\(dir)worksheets/sheet\(index + 1).xml"
            sheets.append(Sheet(name: s.name, path: path, isHidden: s.hidden))
        }
        self.sheets = sheets
        uses1904Dates = workbook.date1904
        sharedStringsPath = rels.first { $0.type.hasSuffix("/sharedStrings") }.map { Self.resolve($0.target, relativeTo: dir) }
            ?? (archive[dir + "sharedStrings.xml"] != nil ? dir + "sharedStrings.xml" : nil)
        stylesPath = rels.first { $0.type.hasSuffix("/styles") }.map { Self.resolve($0.target, relativeTo: dir) }
            ?? (archive[dir + "styles.xml"] != nil ? dir + "styles.xml" : nil)
    }

    /// Calls `body` with each non-empty row of a sheet, in order. `sheet` is a name, or nil for
    /// the first sheet.
    public func forEachRow(inSheet sheet: String? = nil, _ body: (XLSXRow) throws -> Void) throws {
        let target: Sheet
        if let sheet {
            guard let found = sheets.first(where: { $0.name == sheet }) else { throw TabularError.sheetNotFound(sheet) }
            target = found
        } else {
            guard let first = sheets.first else { throw TabularError.sheetNotFound("1") }
            target = first
        }
        try loadSharedData()
        guard let entry = archive[target.path] else { throw TabularError.notAnXLSX(reason: "missing \(target.path)") }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("mueang-sheet-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: temp) }
        do { _ = try archive.extract(entry, to: temp, skipCRC32: true) } catch {
            throw TabularError.notAnXLSX(reason: "cannot extract \(target.path): \(error)")
        }
        guard let stream = InputStream(url: temp) else { throw TabularError.unreadable(path: target.path, reason: "cannot open") }
        try withoutActuallyEscaping(body) { escapingBody in
            let handler = SheetHandler(sharedStrings: sharedStrings ?? [], dateStyles: dateStyles ?? [],
                                       uses1904: uses1904Dates, body: escapingBody)
            let parser = XMLParser(stream: stream)
            try runParserRethrowing(parser, handler: handler, part: target.path)
            // The stream parser accepts a document cut short; a truncated sheet must not pass as
            // a shorter one.
            guard handler.reachedEnd else {
                throw TabularError.malformedXML(part: target.path, line: parser.lineNumber, reason: "the sheet ends before </worksheet>")
            }
        }
    }

    /// All non-empty rows of a sheet; only for sheets known to be small.
    public func rows(inSheet sheet: String? = nil) throws -> [XLSXRow] {
        var rows: [XLSXRow] = []
        try forEachRow(inSheet: sheet) { rows.append($0) }
        return rows
    }

    // MARK: Parts

    private func loadSharedData() throws(TabularError) {
        if sharedStrings == nil {
            if let path = sharedStringsPath, let xml = try Self.readPart(archive, path) {
                let handler = SharedStringsHandler()
                try runParser(XMLParser(data: xml), handler: handler, part: path)
                sharedStrings = handler.strings
            } else {
                sharedStrings = []
            }
        }
        if dateStyles == nil {
            if let path = stylesPath, let xml = try Self.readPart(archive, path) {
                let handler = StylesHandler()
                try runParser(XMLParser(data: xml), handler: handler, part: path)
                dateStyles = handler.cellFormatIDs.map { id in
                    DateKind(numFmtID: id, code: handler.customFormats[id])
                }
            } else {
                dateStyles = []
            }
        }
    }

    static func readPart(_ archive: Archive, _ path: String) throws(TabularError) -> Data? {
        guard let entry = archive[path] else { return nil }
        var data = Data()
        do { _ = try archive.extract(entry, skipCRC32: true) { data.append($0) } } catch {
            throw .notAnXLSX(reason: "cannot extract \(path)")
        }
        return data
    }

    /// Resolves a relationship target against the directory of its source part.
    static func resolve(_ target: String, relativeTo dir: String) -> String {
        var parts: [Substring] = []
        let full = target.hasPrefix("/") ? String(target.dropFirst()) : dir + target
        for p in full.split(separator: "/") {
            if p == ".." { _ = parts.popLast() } else if p != "." { parts.append(p) }
        }
        return parts.joined(separator: "/")
    }
}

// MARK: - Date formats

/// What a cell's number format makes of a number.
enum DateKind: Sendable, Equatable {
    case none, date, dateTime, time

    init(numFmtID id: Int, code: String?) {
        if let code {
            self = Self.classify(code)
            return
        }
        switch id {
        case 14...17, 27...31, 34...36, 50...58, 71...74, 81: self = .date
        case 22, 77: self = .dateTime
        case 18...21, 32, 33, 45...47, 75, 76, 78...80: self = .time
        default: self = .none
        }
    }

    /// Classifies a custom format code: its letters outside quotes, brackets and escapes.
    static func classify(_ code: String) -> DateKind {
        // Only the first section (positive numbers) decides.
        var hasDate = false, hasTime = false, hasMonthOrMinute = false
        var inQuotes = false, inBrackets = false, skipNext = false
        var bracket: [Unicode.Scalar] = []
        for ch in code.unicodeScalars {
            if skipNext { skipNext = false; continue }
            if inQuotes { if ch == "\"" { inQuotes = false }; continue }
            if inBrackets {
                // [h], [mm], [ss] are elapsed time; anything else ([Red], [$-th-TH]) is ignored.
                if ch == "]" {
                    inBrackets = false
                    if !bracket.isEmpty && bracket.allSatisfy({ "hHmMsS".unicodeScalars.contains($0) }) { hasTime = true }
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuotes = true
            case "[": inBrackets = true; bracket = []
            case "\\", "_", "*": skipNext = true
            case ";": break
            case "d", "D", "y", "Y", "b", "B": hasDate = true
            case "h", "H", "s", "S": hasTime = true
            case "m", "M": hasMonthOrMinute = true
            default: continue
            }
            if ch == ";" { break }
        }
        if hasDate && hasTime { return .dateTime }
        if hasDate { return .date }
        if hasTime { return .time }
        return hasMonthOrMinute ? .date : .none
    }
}

// MARK: - SAX plumbing

/// Runs `parser` with `handler`; rethrows an error raised inside a callback (e.g. by the caller's
/// row closure) as it is, and reports a parse failure as `TabularError.malformedXML`.
private func runParserRethrowing(_ parser: XMLParser, handler: SAXHandler, part: String) throws {
    parser.delegate = handler
    parser.shouldProcessNamespaces = false
    parser.shouldResolveExternalEntities = false
    let ok = parser.parse()
    if let error = handler.failure { throw error }
    if !ok {
        let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "parse error"
        throw TabularError.malformedXML(part: part, line: parser.lineNumber, reason: reason)
    }
}

/// `runParserRethrowing` for parts whose callbacks throw only `TabularError`s.
private func runParser(_ parser: XMLParser, handler: SAXHandler, part: String) throws(TabularError) {
    do { try runParserRethrowing(parser, handler: handler, part: part) } catch let e as TabularError { throw e } catch {
        throw .malformedXML(part: part, line: parser.lineNumber, reason: "\(error)")
    }
}

/// Local name of an element or attribute (`x:row` → `row`).
@inline(__always) private func local(_ name: String) -> Substring {
    if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
    return name[...]
}

/// Base delegate. The callbacks are declared here and overridden by subclasses: without the
/// Objective-C runtime (Linux), a subclass's own methods would not be seen as the protocol's.
private class SAXHandler: NSObject, XMLParserDelegate {
    var failure: (any Error)?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {}
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {}
    func parser(_ parser: XMLParser, foundCharacters string: String) {}

    func fail(_ parser: XMLParser, _ error: any Error) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }
}

private enum RelationshipsParser {
    struct Relationship { let id: String; let type: String; let target: String }

    final class Handler: SAXHandler {
        var items: [Relationship] = []
        override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            guard local(elementName) == "Relationship" else { return }
            items.append(Relationship(id: attributes["Id"] ?? "", type: attributes["Type"] ?? "",
                                      target: attributes["Target"] ?? ""))
        }
    }

    static func parse(_ xml: Data, part: String) throws(TabularError) -> [Relationship] {
        let handler = Handler()
        try runParser(XMLParser(data: xml), handler: handler, part: part)
        return handler.items
    }
}

private enum WorkbookParser {
    struct SheetEntry { let name: String; let relationshipID: String; let hidden: Bool }
    struct Result { var sheets: [SheetEntry] = []; var date1904 = false }

    final class Handler: SAXHandler {
        var result = Result()
        override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            switch local(elementName) {
            case "sheet":
                let rid = attributes.first { local($0.key) == "id" && $0.key != "sheetId" }?.value ?? ""
                let state = attributes["state"] ?? "visible"
                result.sheets.append(SheetEntry(name: decodeOOXMLEscapes(attributes["name"] ?? ""),
                                                relationshipID: rid, hidden: state != "visible"))
            case "workbookPr":
                let v = attributes["date1904"] ?? "0"
                result.date1904 = v == "1" || v == "true"
            default: break
            }
        }
    }

    static func parse(_ xml: Data, part: String) throws(TabularError) -> Result {
        let handler = Handler()
        try runParser(XMLParser(data: xml), handler: handler, part: part)
        return handler.result
    }
}

private final class StylesHandler: SAXHandler {
    var customFormats: [Int: String] = [:]
    var cellFormatIDs: [Int] = []
    private var inCellXfs = false

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch local(elementName) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] {
                customFormats[id] = code
            }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs:
            cellFormatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if local(elementName) == "cellXfs" { inCellXfs = false }
    }
}

/// Collects `<si>` items: the text of all `<t>` in the item (plain or rich-text runs), except
/// phonetic hints (`<rPh>`).
private final class SharedStringsHandler: SAXHandler {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var phoneticDepth = 0

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch local(elementName) {
        case "si": current = ""
        case "t": inText = phoneticDepth == 0
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch local(elementName) {
        case "si": strings.append(decodeOOXMLEscapes(current))
        case "t": inText = false
        case "rPh": phoneticDepth -= 1
        default: break
        }
    }
}

/// Streams `<row>` elements of a worksheet to a callback.
private final class SheetHandler: SAXHandler {
    private let sharedStrings: [String]
    private let dateStyles: [DateKind]
    private let serialOffset: Double
    private let body: (XLSXRow) throws -> Void

    private var rowNumber = 0
    private var cells: [CellValue] = []
    private var nextColumn = 0
    private var inRow = false
    // Current cell.
    private var column = 0
    private var type = ""
    private var style = 0
    private var value = ""
    private var inlineText = ""
    private var inValue = false
    private var inInlineText = false
    private var inInline = false
    private var phoneticDepth = 0
    private(set) var reachedEnd = false

    init(sharedStrings: [String], dateStyles: [DateKind], uses1904: Bool, body: @escaping (XLSXRow) throws -> Void) {
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.serialOffset = uses1904 ? 1462 : 0
        self.body = body
    }

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch local(elementName) {
        case "row":
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
            nextColumn = 0
            inRow = true
        case "c":
            column = attributes["r"].flatMap { columnIndex(ofReference: $0) } ?? nextColumn
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap { Int($0) } ?? 0
            value = ""
            inlineText = ""
        case "v": inValue = true
        case "is": inInline = true
        case "t": inInlineText = inInline && phoneticDepth == 0
        case "rPh": phoneticDepth += 1
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string } else if inInlineText { inlineText += string }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch local(elementName) {
        case "v": inValue = false
        case "t": inInlineText = false
        case "is": inInline = false
        case "rPh": phoneticDepth -= 1
        case "c":
            let cell: CellValue
            do { cell = try makeCell() } catch { return fail(parser, error) }
            if column >= cells.count {
                if column > cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count)) }
                cells.append(cell)
            } else {
                cells[column] = cell
            }
            nextColumn = column + 1
        case "worksheet":
            reachedEnd = true
        case "row":
            inRow = false
            while cells.last == .empty { cells.removeLast() }
            guard !cells.isEmpty else { return }
            do { try body(XLSXRow(number: rowNumber, cells: cells)) } catch { fail(parser, error) }
        default: break
        }
    }

    private func makeCell() throws(TabularError) -> CellValue {
        switch type {
        case "s":
            guard !value.isEmpty else { return .empty }
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), sharedStrings.indices.contains(index) else {
                throw .malformedXML(part: "sheet", line: rowNumber, reason: "shared string \(value) does not exist")
            }
            let s = sharedStrings[index]
            return s.isEmpty ? .empty : .text(s)
        case "inlineStr":
            let s = decodeOOXMLEscapes(inlineText)
            return s.isEmpty ? .empty : .text(s)
        case "str":
            return value.isEmpty ? .empty : .text(decodeOOXMLEscapes(value))
        case "b":
            return value.isEmpty ? .empty : .bool(value == "1" || value == "true")
        case "e":
            return .error(value)
        case "d":
            return Self.isoCell(value)
        default:
            let raw = value.trimmingCharacters(in: .whitespaces)
            guard !raw.isEmpty else { return .empty }
            guard let number = Double(raw) else { return .text(raw) }
            let kind = style < dateStyles.count ? dateStyles[style] : .none
            let serial = number + serialOffset
            switch kind {
            case .date:
                if let day = try? CalendarDay(excelSerial: serial) { return .date(day) }
            case .dateTime:
                if let dt = try? LocalDateTime(excelSerial: serial) { return .dateTime(dt) }
            case .none, .time:
                break
            }
            return .number(number, raw: raw)
        }
    }

    /// A `t="d"` cell (ISO 8601 text, written by some tools instead of a serial).
    static func isoCell(_ text: String) -> CellValue {
        let parts = text.split(separator: "T", maxSplits: 1)
        let d = parts.first?.split(separator: "-").compactMap { Int($0) } ?? []
        guard d.count == 3, let day = try? CalendarDay(year: d[0], month: d[1], day: d[2]) else {
            return text.isEmpty ? .empty : .text(text)
        }
        guard parts.count == 2 else { return .date(day) }
        let t = parts[1].prefix { $0 != "Z" && $0 != "+" }.split(separator: ":")
        let h = t.count > 0 ? Int(t[0]) ?? 0 : 0, m = t.count > 1 ? Int(t[1]) ?? 0 : 0
        let s = t.count > 2 ? Double(t[2]) ?? 0 : 0
        return .dateTime(LocalDateTime(day: day, hour: h, minute: m, second: s))
    }
}
