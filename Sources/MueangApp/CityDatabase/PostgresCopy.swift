import Foundation
import FluentPostgresDriver
import NIOCore

/// Rows for PostgreSQL's `COPY ... FROM STDIN` in its text format, sent on the connection of
/// the transaction an import runs in: the way PostgreSQL takes rows fastest, with the
/// transaction's all-or-nothing kept.
struct PostgresCopy {
    let connection: PostgresConnection

    /// The connection behind `db`, when it is PostgreSQL. Inside a transaction it is the
    /// transaction's own connection.
    static func on(_ db: any Database) async throws -> PostgresCopy? {
        guard let pg = db as? any PostgresDatabase else { return nil }
        let connection = try await pg.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
        return PostgresCopy(connection: connection)
    }

    /// Sends `count` rows, each written into a `Line` by `row`, in pieces of about 1 MB.
    func copy(into table: String, columns: [String], count: Int, row: (Int, inout Line) throws -> Void) async throws {
        try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) { writer in
            var line = Line()
            for i in 0..<count {
                try row(i, &line)
                line.end()
                if line.buffer.readableBytes > 1 << 20 {
                    try await writer.write(line.buffer)
                    line.buffer.clear()
                }
            }
            if line.buffer.readableBytes > 0 { try await writer.write(line.buffer) }
        }
    }

    /// Sends rows already written in COPY's binary format (`PostgresBinary`), framed by the
    /// format's header and trailer.
    ///
    /// PostgresNIO's `copyFrom` only asks for the text format: it writes `COPY "<table>"
    /// (<columns>) FROM STDIN WITH (FORMAT text)`. The binary format is asked for by passing
    /// the whole statement up to its options as the table, ending in a comment that takes the
    /// rest of the line. Only our own table and column names (checked below) go into it.
    func sendBinary(into table: String, columns: [String], _ rows: [[UInt8]]) async throws {
        precondition(([table] + columns).allSatisfy { $0.utf8.allSatisfy { b in (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F } },
                     "table and column names are plain identifiers")
        let statement = "\(table)\" (\(columns.joined(separator: ", "))) FROM STDIN WITH (FORMAT binary) --"
        try await connection.copyFrom(table: statement, columns: [], logger: Self.logger) { writer in
            try await writer.write(ByteBuffer(bytes: PostgresBinary.header))
            for piece in rows {
                for start in stride(from: 0, to: piece.count, by: 1 << 20) {
                    try await writer.write(ByteBuffer(bytes: piece[start..<min(piece.count, start + 1 << 20)]))
                }
            }
            try await writer.write(ByteBuffer(bytes: PostgresBinary.trailer))
        }
    }

    static let logger = Logger(label: "mueang.import.copy")

    /// One row being written: fields separated by tabs, special characters escaped.
    struct Line {
        var buffer = ByteBuffer()
        private var first = true

        mutating func field(_ text: String?) {
            if !first { buffer.writeInteger(UInt8(ascii: "\t")) }
            first = false
            guard var utf8 = text else { buffer.writeStaticString("\\N"); return }
            utf8.withUTF8 { bytes in
                if !bytes.contains(where: Self.needsEscape) {
                    buffer.writeBytes(bytes)
                    return
                }
                for b in bytes {
                    if let letter = PostgresCopy.escape(b) {
                        buffer.writeInteger(UInt8(ascii: "\\")); buffer.writeInteger(letter)
                    } else {
                        buffer.writeInteger(b)
                    }
                }
            }
        }

        /// A UUID as 32 hex digits (which PostgreSQL's `uuid` input reads), written in place.
        mutating func field(id: UUID) {
            if !first { buffer.writeInteger(UInt8(ascii: "\t")) }
            first = false
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 32) { out in
                PostgresCopy.writeHex(id, into: out.baseAddress!.assumingMemoryBound(to: UInt8.self))
                return 32
            }
        }

        static func needsEscape(_ b: UInt8) -> Bool { PostgresCopy.escape(b) != nil }

        mutating func end() {
            buffer.writeInteger(UInt8(ascii: "\n"))
            first = true
        }
    }

    /// The letter COPY's text format writes after a backslash for byte `b` (`\\`, `\t`, `\n`,
    /// `\r`), or nil for a byte written as it is.
    static func escape(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x5C: UInt8(ascii: "\\")
        case 0x09: UInt8(ascii: "t")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        default: nil
        }
    }

    /// A UUID as 32 hex digits, which PostgreSQL's `uuid` input reads (quicker than `uuidString`).
    static func hex(_ id: UUID) -> String {
        String(unsafeUninitializedCapacity: 32) { out in
            writeHex(id, into: out.baseAddress!)
            return 32
        }
    }

    /// Writes the 32 hex digits of `id` at `out`.
    static func writeHex(_ id: UUID, into out: UnsafeMutablePointer<UInt8>) {
        withUnsafeBytes(of: id.uuid) { UUIDDigits.write($0.baseAddress!, into: out, asUUIDString: false) }
    }

    /// A moment as PostgreSQL reads a `timestamptz`, to the microsecond, in UTC.
    static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(micros / 1_000_000)
        let fraction = micros % 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }
}
