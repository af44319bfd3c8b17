// The TIS-620 / Windows-874 mapping, from the standards themselves:
// - 0x00–0x7F: ASCII.
// - TIS-620 0xA1–0xDA and 0xDF–0xFB: U+0E01–U+0E3A and U+0E3F–U+0E5B, i.e. byte + 0x0D60.
//   0xDB–0xDE and 0xFC–0xFF are undefined; 0xA0 is undefined in TIS-620.
// - Windows-874 adds, in 0x80–0x9F, the punctuation Windows code pages share, and 0xA0 NBSP.

enum Windows874Table {
    /// Offset between a TIS-620 Thai byte and its Unicode scalar.
    static let thaiOffset: UInt32 = 0x0D60

    /// Windows-874 characters outside ASCII and TIS-620.
    static let extras: [UInt8: UInt32] = [
        0x80: 0x20AC, // € euro sign
        0x85: 0x2026, // … horizontal ellipsis
        0x91: 0x2018, // ‘ left single quotation mark
        0x92: 0x2019, // ’ right single quotation mark
        0x93: 0x201C, // “ left double quotation mark
        0x94: 0x201D, // ” right double quotation mark
        0x95: 0x2022, // • bullet
        0x96: 0x2013, // – en dash
        0x97: 0x2014, // — em dash
        0xA0: 0x00A0, // no-break space
    ]

    static let extrasByScalar: [UInt32: UInt8] = Dictionary(uniqueKeysWithValues: extras.map { ($1, $0) })

    static func isTIS620Thai(_ byte: UInt8) -> Bool {
        (0xA1...0xDA).contains(byte) || (0xDF...0xFB).contains(byte)
    }

    /// The scalar value of `byte`, or nil if undefined in the encoding.
    static func scalar(for byte: UInt8, windows874: Bool) -> UInt32? {
        if byte < 0x80 { return UInt32(byte) }
        if isTIS620Thai(byte) { return UInt32(byte) + thaiOffset }
        return windows874 ? extras[byte] : nil
    }

    /// The Windows-874 byte for a scalar, or nil if it has none.
    static func byte(for scalar: UInt32) -> UInt8? {
        if scalar < 0x80 { return UInt8(scalar) }
        if (0x0E01...0x0E3A).contains(scalar) || (0x0E3F...0x0E5B).contains(scalar) {
            return UInt8(scalar - thaiOffset)
        }
        return extrasByScalar[scalar]
    }
}
