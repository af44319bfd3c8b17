import Foundation

/// PostgreSQL's binary COPY format (the `COPY ... WITH (FORMAT binary)` stream): fields as
/// their binary values with a length before each, which the server stores without parsing
/// text. Only what the import writes: UUIDs, integers, timestamps, text and numerics.
enum PostgresBinary {
    /// The stream's header: signature, no flags, no extension.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// The stream's end: a tuple with -1 fields.
    static let trailer: [UInt8] = [0xFF, 0xFF]

    static func append(_ value: Int16, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ value: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ value: Int64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    /// A field's length written later (`endField`), once its bytes are.
    static func startField(_ out: inout [UInt8]) -> Int {
        out.append(contentsOf: [0, 0, 0, 0])
        return out.count
    }

    static func endField(_ start: Int, _ out: inout [UInt8]) {
        let length = Int32(out.count - start).bigEndian
        withUnsafeBytes(of: length) { bytes in for k in 0..<4 { out[start - 4 + k] = bytes[k] } }
    }

    static func field(uuid id: UUID, to out: inout [UInt8]) {
        append(Int32(16), to: &out)
        withUnsafeBytes(of: id.uuid) { out.append(contentsOf: $0) }
    }

    static func field(text bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        append(Int32(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    static func field(int64 value: Int64, to out: inout [UInt8]) {
        append(Int32(8), to: &out)
        append(value, to: &out)
    }

    static func null(to out: inout [UInt8]) { append(Int32(-1), to: &out) }

    /// The field at `p` in fields written as above (moved past it): where its bytes are, nil
    /// for NULL. (The import's SQLite writer reads the kernel's rows back with it.)
    static func nextField(_ bytes: UnsafeRawBufferPointer, at p: inout Int) -> (start: UnsafeRawPointer, count: Int)? {
        let n = Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: p, as: Int32.self)))
        p += 4
        guard n >= 0 else { return nil }
        defer { p += n }
        return (bytes.baseAddress! + p, n)
    }

    /// A `timestamptz`: microseconds since 2000-01-01 UTC, rounded as `PostgresCopy.timestamp`
    /// rounds them.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) - 946_684_800_000_000
    }

    /// A whole number's ASCII digits (`-?[0-9]+`) as its value; nil for anything else.
    static func int64(_ text: some Collection<UInt8>) -> Int64? {
        var value: Int64 = 0, negative = false, digits = 0
        for (k, b) in text.enumerated() {
            if k == 0 && b == UInt8(ascii: "-") { negative = true; continue }
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - 0x30))
            guard !o1, !o2 else { return nil }
            value = s
            digits += 1
        }
        return digits > 0 ? (negative ? -value : value) : nil
    }

    /// A `numeric` field from its text (`-?digits[.digits]`), with the scale the text gives it,
    /// as PostgreSQL's own reading of that text stores it: base-10000 digits without leading or
    /// trailing zero groups. False (nothing written) for anything else.
    static func field(numeric text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var negative = false, dot: Int?
        for (k, b) in text.enumerated() {
            switch b {
            case UInt8(ascii: "-") where k == 0: negative = true
            case UInt8(ascii: ".") where dot == nil: dot = k
            case 0x30...0x39: break
            default: return false
            }
        }
        let wholeStart = negative ? 1 : 0, wholeEnd = dot ?? text.count
        let whole = wholeEnd - wholeStart, fraction = dot.map { text.count - $0 - 1 } ?? 0
        guard whole + fraction > 0, fraction <= 16383 else { return false }
        // Digit q of the number's digits (whole then fraction), zero outside them.
        func digit(_ q: Int) -> Int16 {
            if q < 0 || q >= whole + fraction { return 0 }
            return Int16(text[q < whole ? wholeStart + q : wholeEnd + 1 + q - whole] - 0x30)
        }
        // Groups of four digits aligned on the decimal point.
        let lead = (4 - whole % 4) % 4
        let count = (lead + whole + fraction + 3) / 4
        func group(_ g: Int) -> Int16 {
            let q = 4 * g - lead
            return digit(q) * 1000 + digit(q + 1) * 100 + digit(q + 2) * 10 + digit(q + 3)
        }
        var first = 0, last = count - 1
        while first < count && group(first) == 0 { first += 1 }
        while last >= first && group(last) == 0 { last -= 1 }
        let groups = max(0, last - first + 1)
        let weight = groups == 0 ? 0 : (lead + whole) / 4 - 1 - first
        append(Int32(8 + 2 * groups), to: &out)
        append(Int16(groups), to: &out)
        append(Int16(weight), to: &out)
        append(Int16(negative && groups > 0 ? 0x4000 : 0), to: &out)
        append(Int16(fraction), to: &out)
        if groups > 0 { for g in first...last { append(group(g), to: &out) } }
        return true
    }
}
