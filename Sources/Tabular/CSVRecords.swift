/// Many CSV records with their fields as UTF-8 bytes in one buffer, as `CSVReader.next(into:)`
/// appends them: for a reader of a large file that looks at bytes, where a `String` per cell
/// would cost more than the rest of its work.
public struct CSVRecords: Sendable {
    /// Every field's bytes, one after another.
    public internal(set) var bytes: [UInt8] = []
    /// Where each field ends in `bytes`, the fields of all records in order.
    public internal(set) var fieldEnds: [Int] = []
    /// Each record's row number (as `CSVRow.number`).
    public internal(set) var numbers: [Int] = []
    /// Where each record's fields end in `fieldEnds`.
    public internal(set) var recordEnds: [Int] = []

    public init() {}

    public var count: Int { numbers.count }

    /// Room for about `records` records of `bytes` bytes in all (ten fields each, say).
    public mutating func reserve(records: Int, bytes: Int) {
        self.bytes.reserveCapacity(bytes)
        fieldEnds.reserveCapacity(records * 10)
        numbers.reserveCapacity(records)
        recordEnds.reserveCapacity(records)
    }

    /// The indices (in `fieldEnds`) of record `r`'s fields.
    public func fields(of r: Int) -> Range<Int> { (r == 0 ? 0 : recordEnds[r - 1])..<recordEnds[r] }

    /// The byte range of field `f` (an index in `fieldEnds`).
    public func range(ofField f: Int) -> Range<Int> { (f == 0 ? 0 : fieldEnds[f - 1])..<fieldEnds[f] }

    /// Record `r`'s fields as `String`s (the bytes are valid UTF-8).
    public func strings(of r: Int) -> [String] {
        fields(of: r).map { f in String(decoding: bytes[range(ofField: f)], as: UTF8.self) }
    }

    /// True when every field of record `r` is empty (as `CSVRow.isBlank`).
    public func isBlank(_ r: Int) -> Bool {
        let f = fields(of: r)
        return f.isEmpty || range(ofField: f.lowerBound).lowerBound == range(ofField: f.upperBound - 1).upperBound
    }

    /// Drops the last record.
    public mutating func removeLast() {
        let f = fields(of: count - 1)
        fieldEnds.removeLast(f.count)
        bytes.removeLast(bytes.count - (f.lowerBound == 0 ? 0 : fieldEnds[f.lowerBound - 1]))
        numbers.removeLast()
        recordEnds.removeLast()
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        recordEnds.removeAll(keepingCapacity: true)
    }
}

/// UTF-8 validation without making a `String`: the same bytes `String(validating:)` accepts
/// (shortest forms only, no surrogates, nothing past U+10FFFF).
enum UTF8Check {
    static func isValid(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = p.count
        while i < n {
            // Eight ASCII bytes at a time.
            while i + 8 <= n, UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { return true }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            func tail(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
            switch b {
            case 0xC2...0xDF:
                guard tail(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard tail(1), tail(2) else { return false }
                let b1 = p[i + 1]
                if b == 0xE0 && b1 < 0xA0 { return false }   // overlong
                if b == 0xED && b1 > 0x9F { return false }   // surrogate
                i += 3
            case 0xF0...0xF4:
                guard tail(1), tail(2), tail(3) else { return false }
                let b1 = p[i + 1]
                if b == 0xF0 && b1 < 0x90 { return false }   // overlong
                if b == 0xF4 && b1 > 0x8F { return false }   // past U+10FFFF
                i += 4
            default:
                return false
            }
        }
        return true
    }
}
