import Foundation
import ThaiConventions

/// One record of a CSV file.
public struct CSVRow: Sendable, Hashable {
    /// 1-based record number, the header being row 1; the row number Excel shows for this record.
    /// Blank lines count (they are rows in Excel too) even when the reader skips them.
    public let number: Int
    /// 1-based physical line on which the record starts (differs from `number` after a quoted
    /// field that contains line breaks).
    public let line: Int
    /// The fields, unquoted and decoded. Rows may have different lengths (ragged files).
    public let fields: [String]

    public init(number: Int, line: Int, fields: [String]) {
        self.number = number
        self.line = line
        self.fields = fields
    }

    /// The field at `index`, or "" past the end of a short row.
    public subscript(index: Int) -> String { index < fields.count ? fields[index] : "" }

    /// True when every field is empty (e.g. a line of only delimiters).
    public var isBlank: Bool { fields.allSatisfy(\.isEmpty) }
}

/// The field separators `CSVReader` recognizes.
public enum CSVDelimiter: UInt8, Sendable, CaseIterable {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09
}

/// Streams the records of a CSV file, one `CSVRow` at a time, in bounded memory.
///
/// - Encoding: UTF-8 with or without BOM, TIS-620 or Windows-874, detected from the first bytes
///   (`ThaiTextCodec`); a file whose first 64 KB are plain ASCII is decided at its first non-ASCII
///   row. `encoding` reports the result.
/// - Delimiter: comma, semicolon or tab, whichever occurs most in the first record (comma on a tie).
/// - Quoting (RFC 4180): `"a,b"`, `"say ""hi"""`, line breaks inside quotes; records end at LF,
///   CRLF or CR. Lenient with stray quotes inside unquoted fields (kept as text).
///
/// ```swift
/// let reader = try CSVReader(url: upload)
/// while let row = try reader.next() { … row.number, row.fields … }
/// ```
/// Not thread-safe: one reader, one consumer.
public final class CSVReader {
    /// Reading options; the defaults detect everything.
    public struct Options: Sendable {
        /// Force a delimiter instead of detecting it.
        public var delimiter: CSVDelimiter?
        /// Force an encoding instead of detecting it (a UTF-8 BOM is still removed).
        public var encoding: ThaiTextEncoding?
        /// Skip records that are completely empty lines (their row numbers are still counted).
        public var skipEmptyLines: Bool
        /// Bytes read from the file at a time.
        public var chunkSize: Int

        public init(delimiter: CSVDelimiter? = nil, encoding: ThaiTextEncoding? = nil,
                    skipEmptyLines: Bool = true, chunkSize: Int = 64 * 1024) {
            self.delimiter = delimiter
            self.encoding = encoding
            self.skipEmptyLines = skipEmptyLines
            self.chunkSize = max(chunkSize, 4)
        }
    }

    /// The detected (or forced) encoding; `.utf8` while only ASCII has been seen.
    public var encoding: ThaiTextEncoding { decidedEncoding ?? .utf8 }
    /// The detected (or forced) delimiter.
    public private(set) var delimiter: CSVDelimiter = .comma

    private var decidedEncoding: ThaiTextEncoding?
    private let source: ByteSource
    private let options: Options
    private var buffer: [UInt8]
    /// Bytes the reader holds at once; stays near the chunk size however large the file (tests).
    var bufferCapacity: Int { buffer.count }
    private var start = 0          // first unconsumed byte
    private var end = 0            // one past the last valid byte
    private var eof = false
    private var rowNumber = 0
    private var lineNumber = 1
    // Field boundaries of the record being parsed, reused between records.
    private var fieldStarts: [Int] = []
    private var fieldEnds: [Int] = []
    private var fieldQuoted: [Bool] = []
    private var scratch: [UInt8] = []
    private var legacyTable: LegacyTable?

    /// Reads the file at `url` (streamed; only a chunk and the current record are in memory).
    public convenience init(url: URL, options: Options = Options()) throws(TabularError) {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw .unreadable(path: url.lastPathComponent, reason: error.localizedDescription)
        }
        try self.init(source: FileSource(handle: handle, name: url.lastPathComponent), options: options)
    }

    /// Reads CSV bytes already in memory (small uploads, tests).
    public convenience init(data: Data, options: Options = Options()) throws(TabularError) {
        try self.init(source: DataSource(data: data), options: options)
    }

    /// Reads CSV text already in memory (it is UTF-8 by construction).
    public convenience init(string: String, options: Options = Options()) throws(TabularError) {
        var options = options
        options.encoding = .utf8
        try self.init(source: DataSource(data: Data(string.utf8)), options: options)
    }

    private init(source: ByteSource, options: Options) throws(TabularError) {
        self.source = source
        self.options = options
        self.buffer = [UInt8](repeating: 0, count: options.chunkSize)
        try fill()
        // Make sure the detection prefix is as long as a chunk, unless the file is shorter.
        while !eof && end < min(options.chunkSize, 64 * 1024) { try fill() }
        if buffer[0..<end].starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
            decidedEncoding = .utf8WithBOM
        }
        if let forced = options.encoding {
            decidedEncoding = decidedEncoding == .utf8WithBOM && forced == .utf8 ? .utf8WithBOM : forced
        } else if decidedEncoding == nil {
            decidedEncoding = try Self.detectEncoding(buffer[start..<end], atEOF: eof)
        }
        if decidedEncoding == .tis620 || decidedEncoding == .windows874 {
            legacyTable = LegacyTable(decidedEncoding!)
        }
        delimiter = options.delimiter ?? Self.detectDelimiter(buffer[start..<end])
    }

    /// The next record, or nil at the end of the file.
    public func next() throws(TabularError) -> CSVRow? {
        guard let record = try nextRecord() else { return nil }
        let fields = try decodeFields(row: record.number, line: record.line)
        start = record.next
        return CSVRow(number: record.number, line: record.line, fields: fields)
    }

    /// Appends the next record to `records`, its fields decoded to UTF-8 bytes (no `String`s
    /// made); false at the end of the file. The same records, numbers and errors as `next()`.
    public func next(into records: inout CSVRecords) throws(TabularError) -> Bool {
        guard let record = try nextRecord() else { return false }
        let starts = fieldStarts, ends = fieldEnds, quoted = fieldQuoted
        if decidedEncoding != nil && legacyTable == nil {
            // UTF-8: the record checked in one piece (its separators are ASCII, so it is valid
            // exactly when every field is), then its fields copied.
            try buffer.withUnsafeBufferPointer { (p) throws(TabularError) in
                guard UTF8Check.isValid(UnsafeBufferPointer(rebasing: p[starts[0]..<ends[ends.count - 1]])) else {
                    throw .invalidText(row: record.number, line: record.line, encoding: encoding)
                }
                for k in 0..<starts.count {
                    if quoted[k] {
                        Self.unquote(p, starts[k], ends[k], into: &records.bytes)
                    } else {
                        records.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[starts[k]..<ends[k]]))
                    }
                    records.fieldEnds.append(records.bytes.count)
                }
            }
        } else {
            for k in 0..<starts.count {
                let s = starts[k], e = ends[k]
                if quoted[k] {
                    unquote(s, e)
                    try scratch.withUnsafeBufferPointer { (p) throws(TabularError) in
                        try decode(p, into: &records.bytes, row: record.number, line: record.line)
                    }
                } else {
                    try buffer.withUnsafeBufferPointer { (p) throws(TabularError) in
                        try decode(UnsafeBufferPointer(rebasing: p[s..<e]), into: &records.bytes, row: record.number, line: record.line)
                    }
                }
                records.fieldEnds.append(records.bytes.count)
            }
        }
        records.numbers.append(record.number)
        records.recordEnds.append(records.fieldEnds.count)
        start = record.next
        return true
    }

    /// Parses the next record that is not skipped, leaving its field boundaries in place; the
    /// caller decodes them and then moves `start` to `next`.
    private func nextRecord() throws(TabularError) -> (number: Int, line: Int, next: Int)? {
        while true {
            let result = parseRecord()
            switch result {
            case .needMore:
                try fill()
                continue
            case .endOfInput:
                return nil
            case .unterminatedQuote:
                throw .unterminatedQuote(row: rowNumber + 1, line: lineNumber)
            case let .record(next, newlines):
                rowNumber += 1
                let line = lineNumber
                lineNumber += newlines
                let isEmptyLine = fieldStarts.count == 1 && fieldStarts[0] == fieldEnds[0]
                if isEmptyLine && options.skipEmptyLines {
                    start = next
                    continue
                }
                return (rowNumber, line, next)
            }
        }
    }

    /// Calls `body` with every remaining record, in order.
    public func forEach(_ body: (CSVRow) throws -> Void) throws {
        while let row = try next() { try body(row) }
    }

    /// All remaining records; only for inputs known to be small.
    public func readAll() throws(TabularError) -> [CSVRow] {
        var rows: [CSVRow] = []
        while let row = try next() { rows.append(row) }
        return rows
    }

    // MARK: Detection

    static func detectEncoding(_ prefix: ArraySlice<UInt8>, atEOF: Bool) throws(TabularError) -> ThaiTextEncoding? {
        guard prefix.contains(where: { $0 >= 0x80 }) else { return nil }
        let sample = atEOF ? prefix : trimIncompleteUTF8(prefix)
        do { return try ThaiTextCodec.decode(sample).encoding } catch { throw .unrecognizedEncoding }
    }

    /// Drops a UTF-8 sequence cut off at the end of `bytes` (at most 3 bytes), so that a prefix of
    /// a valid UTF-8 file still validates.
    static func trimIncompleteUTF8(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var i = bytes.endIndex
        var back = 0
        while i > bytes.startIndex && back < 4 {
            i -= 1; back += 1
            let b = bytes[i]
            if b & 0xC0 == 0x80 { continue }          // continuation byte: keep looking for the lead
            let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            return need > back ? bytes[..<i] : bytes
        }
        return bytes
    }

    static func detectDelimiter(_ prefix: ArraySlice<UInt8>) -> CSVDelimiter {
        var counts: [CSVDelimiter: Int] = [:]
        var inQuotes = false
        for b in prefix {
            if b == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if b == 0x0A || b == 0x0D { break }
            if let d = CSVDelimiter(rawValue: b) { counts[d, default: 0] += 1 }
        }
        var best = CSVDelimiter.comma
        for d in [CSVDelimiter.semicolon, .tab] where counts[d, default: 0] > counts[best, default: 0] { best = d }
        return best
    }

    // MARK: Buffer

    /// Moves the unconsumed bytes to the front (growing the buffer if one record fills it) and
    /// reads the next chunk.
    private func fill() throws(TabularError) {
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, count)
                }
            }
            end = count
            start = 0
        }
        if buffer.count - end < options.chunkSize / 2 {
            buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, options.chunkSize)))
        }
        let n = try buffer.withUnsafeMutableBufferPointer { (p) throws(TabularError) -> Int in
            try source.read(into: UnsafeMutableBufferPointer(rebasing: p[end...]))
        }
        if n == 0 { eof = true }
        end += n
    }

    // MARK: Parsing

    private enum ParseResult {
        case record(next: Int, newlines: Int)
        case needMore
        case endOfInput
        case unterminatedQuote
    }

    /// Finds the field boundaries of the record starting at `start`. Returns `.needMore` when the
    /// buffer ends before the record does (the caller reads more and parses the record again).
    private func parseRecord() -> ParseResult {
        // The boundaries are gathered in locals (a class's stored properties are checked for
        // exclusive access on every use) and put back at the end.
        var fieldStarts: [Int] = [], fieldEnds: [Int] = [], fieldQuoted: [Bool] = []
        swap(&fieldStarts, &self.fieldStarts)
        swap(&fieldEnds, &self.fieldEnds)
        swap(&fieldQuoted, &self.fieldQuoted)
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldQuoted.removeAll(keepingCapacity: true)
        defer {
            swap(&fieldStarts, &self.fieldStarts)
            swap(&fieldEnds, &self.fieldEnds)
            swap(&fieldQuoted, &self.fieldQuoted)
        }
        let end = self.end, eof = self.eof, start = self.start
        if start == end { return eof ? .endOfInput : .needMore }
        let delim = delimiter.rawValue
        let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        return buffer.withUnsafeBufferPointer { p -> ParseResult in
            var i = start
            var newlines = 0
            while true {
                let fieldStart = i
                var quoted = false
                if i < end && p[i] == quote {
                    quoted = true
                    i += 1
                    while true {
                        while i < end {
                            let b = p[i]
                            if b == quote { break }
                            if b == lf { newlines += 1 } else if b == cr && (i + 1 >= end || p[i + 1] != lf) { newlines += 1 }
                            i += 1
                        }
                        if i >= end { return eof ? .unterminatedQuote : .needMore }
                        // p[i] is a quote: doubled (escaped) or closing?
                        if i + 1 >= end && !eof { return .needMore }
                        if i + 1 < end && p[i + 1] == quote { i += 2; continue }
                        i += 1
                        break
                    }
                }
                // Unquoted field, or what follows a closing quote (kept leniently as text).
                while i < end {
                    let b = p[i]
                    if b == delim || b == lf || b == cr { break }
                    i += 1
                }
                if i >= end {
                    if !eof { return .needMore }
                    fieldStarts.append(fieldStart); fieldEnds.append(i); fieldQuoted.append(quoted)
                    return .record(next: i, newlines: newlines)
                }
                fieldStarts.append(fieldStart); fieldEnds.append(i); fieldQuoted.append(quoted)
                let b = p[i]
                if b == delim {
                    i += 1
                    continue
                }
                if b == cr {
                    if i + 1 >= end && !eof { return .needMore }
                    i += (i + 1 < end && p[i + 1] == lf) ? 2 : 1
                } else {
                    i += 1
                }
                return .record(next: i, newlines: newlines + 1)
            }
        }
    }

    private var scratchOut: [UInt8] = []

    private func decodeFields(row: Int, line: Int) throws(TabularError) -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(fieldStarts.count)
        for k in 0..<fieldStarts.count {
            let s = fieldStarts[k], e = fieldEnds[k]
            if fieldQuoted[k] {
                unquote(s, e)
                let text = try decode(scratch[...], row: row, line: line)
                fields.append(text)
            } else {
                let text = try buffer.withUnsafeBufferPointer { (p) throws(TabularError) -> String in
                    try decode(UnsafeBufferPointer(rebasing: p[s..<e]), row: row, line: line)
                }
                fields.append(text)
            }
        }
        return fields
    }

    /// Copies the quoted field buffer[s..<e] (which starts with a quote) into `scratch`, without
    /// the enclosing quotes and with doubled quotes made single.
    private func unquote(_ s: Int, _ e: Int) {
        scratch.removeAll(keepingCapacity: true)
        buffer.withUnsafeBufferPointer { Self.unquote($0, s, e, into: &scratch) }
    }

    /// Appends the quoted field p[s..<e] to `out` as `unquote(_:_:)` copies it; what follows
    /// the closing quote is kept as it is.
    static func unquote(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        var i = s + 1, run = i
        while i < e {
            guard p[i] == quote else { i += 1; continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<i]))
            if i + 1 < e && p[i + 1] == quote {
                out.append(quote)
                i += 2
                run = i
                continue
            }
            // The closing quote: the rest is copied as it is.
            run = i + 1
            i = e
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<e]))
    }

    private func decode<C: Collection<UInt8>>(_ bytes: C, row: Int, line: Int) throws(TabularError) -> String {
        try decideEncoding(seeing: bytes)
        if let legacyTable {
            guard let text = legacyTable.decode(bytes, into: &scratchOut) else {
                throw .invalidText(row: row, line: line, encoding: encoding)
            }
            return text
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidText(row: row, line: line, encoding: encoding)
        }
        return text
    }

    /// `decode`, appending the UTF-8 bytes to `out` instead of making a `String`.
    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], row: Int, line: Int) throws(TabularError) {
        try decideEncoding(seeing: bytes)
        if let legacyTable {
            guard legacyTable.append(bytes, to: &out) else { throw .invalidText(row: row, line: line, encoding: encoding) }
            return
        }
        guard UTF8Check.isValid(bytes) else { throw .invalidText(row: row, line: line, encoding: encoding) }
        out.append(contentsOf: bytes)
    }

    /// While only ASCII has been seen, the first non-ASCII field decides the encoding, from its
    /// record and what follows it in the buffer.
    private func decideEncoding<C: Collection<UInt8>>(seeing bytes: C) throws(TabularError) {
        guard decidedEncoding == nil, bytes.contains(where: { $0 >= 0x80 }) else { return }
        decidedEncoding = (try? Self.detectEncoding(buffer[start..<end], atEOF: eof)) ?? .utf8
        if decidedEncoding == .tis620 || decidedEncoding == .windows874 { legacyTable = LegacyTable(decidedEncoding!) }
    }
}

/// Byte → UTF-8 bytes for a single-byte Thai encoding, built once from `ThaiTextCodec`.
struct LegacyTable {
    private var utf8: [[UInt8]?] = Array(repeating: nil, count: 256)

    init(_ encoding: ThaiTextEncoding) {
        for b in 0...255 {
            if let s = try? ThaiTextCodec.decode([UInt8(b)], as: encoding) { utf8[b] = Array(s.utf8) }
        }
    }

    func decode<C: Collection<UInt8>>(_ bytes: C, into out: inout [UInt8]) -> String? {
        out.removeAll(keepingCapacity: true)
        return append(bytes, to: &out) ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Appends the UTF-8 of `bytes` to `out`; false (with `out` partly written) for a byte the
    /// encoding does not have.
    func append<C: Collection<UInt8>>(_ bytes: C, to out: inout [UInt8]) -> Bool {
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            guard let seq = utf8[Int(b)] else { return false }
            out.append(contentsOf: seq)
        }
        return true
    }
}

// MARK: Byte sources

protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(TabularError) -> Int
}

final class FileSource: ByteSource {
    let handle: FileHandle
    let name: String
    init(handle: FileHandle, name: String) { self.handle = handle; self.name = name }
    deinit { try? handle.close() }

    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(TabularError) -> Int {
        let data: Data?
        do { data = try handle.read(upToCount: buffer.count) } catch {
            throw .unreadable(path: name, reason: error.localizedDescription)
        }
        guard let data, !data.isEmpty else { return 0 }
        return data.copyBytes(to: buffer)
    }
}

final class DataSource: ByteSource {
    let data: Data
    var offset: Int
    init(data: Data) { self.data = data; self.offset = data.startIndex }

    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws(TabularError) -> Int {
        let n = min(buffer.count, data.endIndex - offset)
        guard n > 0 else { return 0 }
        data.copyBytes(to: buffer, from: offset..<(offset + n))
        offset += n
        return n
    }
}
