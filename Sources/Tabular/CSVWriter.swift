import Foundation

/// Writes CSV the way Excel opens it with Thai text intact: UTF-8 with a byte-order mark, CRLF
/// line ends, fields quoted only when they must be (delimiter, quote, line break, edge spaces).
///
/// Output goes to a `FileHandle` (buffered, 64 KB at a time) or stays in memory, from where
/// `drain()` hands it over in pieces, e.g. as chunks of a streamed HTTP response.
///
/// ```swift
/// let csv = CSVWriter(fileHandle: handle)
/// try csv.writeRow(["บ้านเลขที่", "หมู่ที่"])
/// try csv.writeRow(["12/3", "4"])
/// try csv.finish()
/// ```
public final class CSVWriter {
    private let out: OutputBuffer
    private let delimiter: UInt8
    private var finished = false

    /// Writes to `fileHandle` (which the caller opens and closes).
    public init(fileHandle: FileHandle, byteOrderMark: Bool = true, delimiter: CSVDelimiter = .comma) {
        out = OutputBuffer(handle: fileHandle)
        self.delimiter = delimiter.rawValue
        if byteOrderMark { out.append([0xEF, 0xBB, 0xBF]) }
    }

    /// Keeps the output in memory; read it with `drain()`.
    public init(byteOrderMark: Bool = true, delimiter: CSVDelimiter = .comma) {
        out = OutputBuffer(handle: nil)
        self.delimiter = delimiter.rawValue
        if byteOrderMark { out.append([0xEF, 0xBB, 0xBF]) }
    }

    /// Appends one record.
    public func writeRow<S: Sequence>(_ fields: S) throws(TabularError) where S.Element == String {
        guard !finished else { throw .alreadyFinished }
        var first = true
        for field in fields {
            if !first { out.append(delimiter) }
            first = false
            writeField(field)
        }
        out.append([0x0D, 0x0A])
        try out.flushIfNeeded()
    }

    /// Writes what is buffered to the file handle. Further writes are refused.
    public func finish() throws(TabularError) {
        guard !finished else { return }
        finished = true
        try out.flush()
    }

    /// In-memory mode: the bytes written since the last `drain()`, removed from the writer.
    public func drain() -> Data { Data(out.take()) }

    private func writeField(_ field: String) {
        let utf8 = field.utf8
        let needsQuotes = utf8.withContiguousStorageIfAvailable { p in Self.needsQuotes(p, delimiter) }
            ?? Self.needsQuotes(Array(utf8), delimiter)
        if !needsQuotes {
            out.append(utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func needsQuotes<C: Collection<UInt8>>(_ bytes: C, _ delimiter: UInt8) -> Bool {
        guard let first = bytes.first else { return false }
        if first == 0x20 || first == 0x09 { return true }
        var last: UInt8 = 0
        for b in bytes {
            if b == delimiter || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { return true }
            last = b
        }
        return last == 0x20 || last == 0x09
    }
}
