import Foundation

extension UUID {
    /// A version-7 UUID (RFC 9562): the first 48 bits are the Unix time in milliseconds, the
    /// rest random. Rows keyed by these are appended near the end of an index instead of at a
    /// random place, which keeps a million-row import from rewriting the whole index.
    static func timeOrdered(at date: Date = Date()) -> UUID {
        var rng = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let a = rng.next() as UInt64, b = rng.next() as UInt64
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32), UInt8(truncatingIfNeeded: ms >> 24),
            UInt8(truncatingIfNeeded: ms >> 16), UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
            0x70 | UInt8(truncatingIfNeeded: a & 0x0F), UInt8(truncatingIfNeeded: a >> 8),
            0x80 | UInt8(truncatingIfNeeded: b & 0x3F), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b >> 16),
            UInt8(truncatingIfNeeded: b >> 24), UInt8(truncatingIfNeeded: b >> 32), UInt8(truncatingIfNeeded: b >> 40),
            UInt8(truncatingIfNeeded: b >> 48), UInt8(truncatingIfNeeded: b >> 56)))
    }
}
