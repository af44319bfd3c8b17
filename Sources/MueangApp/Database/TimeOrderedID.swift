import Foundation

extension UUID {
    /// A version-7 UUID (RFC 9562): the first 48 bits are the Unix time in milliseconds, the
    /// rest random. Rows keyed by these are appended near the end of an index instead of at a
    /// random place, which keeps a million-row import from rewriting the whole index.
    static func timeOrdered(at date: Date = Date()) -> UUID {
        var ids = TimeOrderedIDs(at: date)
        return ids.next()
    }
}

/// Version-7 UUIDs for many rows written at one moment (an import): one timestamp, a random
/// start, then counted up (RFC 9562's "monotonic random"), so each id sorts after the one
/// before and the index takes them at its right edge.
struct TimeOrderedIDs {
    private let ms: UInt64
    /// The 12 bits after the version, then the 62 after the variant.
    private var high: UInt16
    private var low: UInt64

    init(at date: Date = Date()) {
        var rng = SystemRandomNumberGenerator()
        ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        high = UInt16(truncatingIfNeeded: rng.next() as UInt64) & 0x0FFF
        // The top bit of the counter starts clear, leaving 2^61 ids before it carries.
        low = (rng.next() as UInt64) & 0x1FFF_FFFF_FFFF_FFFF
    }

    mutating func next() -> UUID {
        let id = UUID(uuid: (
            UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32), UInt8(truncatingIfNeeded: ms >> 24),
            UInt8(truncatingIfNeeded: ms >> 16), UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
            0x70 | UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            0x80 | UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48), UInt8(truncatingIfNeeded: low >> 40),
            UInt8(truncatingIfNeeded: low >> 32), UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)))
        if low == 0x3FFF_FFFF_FFFF_FFFF { low = 0; high = (high + 1) & 0x0FFF } else { low += 1 }
        return id
    }
}

/// A UUID's 16 bytes as hex digits, written where a bulk writer wants them, without making a
/// `uuidString` per row: 32 lower-case digits (what PostgreSQL's `uuid` input reads), or
/// `uuidString`'s 36 characters (upper-case, 8-4-4-4-12: how Fluent stores a UUID on SQLite).
enum UUIDDigits {
    /// Writes the digits of the 16 bytes at `bytes` at `out`; returns how many were written.
    @discardableResult
    static func write(_ bytes: UnsafeRawPointer, into out: UnsafeMutablePointer<UInt8>, asUUIDString: Bool) -> Int {
        let digits: StaticString = asUUIDString ? "0123456789ABCDEF" : "0123456789abcdef"
        var o = 0
        for k in 0..<16 {
            if asUUIDString && (k == 4 || k == 6 || k == 8 || k == 10) { out[o] = UInt8(ascii: "-"); o += 1 }
            let b = bytes.load(fromByteOffset: k, as: UInt8.self)
            out[o] = digits.utf8Start[Int(b >> 4)]
            out[o + 1] = digits.utf8Start[Int(b & 0x0F)]
            o += 2
        }
        return o
    }
}
