/// Reading Thai text files of unknown encoding, and writing files Excel and old systems read.
public enum ThaiTextCodec {
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Decodes bytes of unknown encoding and reports which encoding they were in.
    ///
    /// Valid UTF-8 wins (a BOM is removed and reported). Otherwise, if most bytes above 0x7F are
    /// in TIS-620's Thai range 0xA1–0xFB, the bytes are Thai legacy: reported as Windows-874 if
    /// any Windows-only byte (0x80–0xA0) occurs, else TIS-620. Anything else is rejected rather
    /// than guessed, because a wrong guess silently corrupts names and addresses.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(ThaiTextCodecError) -> DecodedText {
        let array = Array(bytes)
        if array.starts(with: utf8BOM) {
            guard let text = String(validating: array.dropFirst(3), as: UTF8.self) else { throw .invalidUTF8 }
            return DecodedText(text: text, encoding: .utf8WithBOM)
        }
        if let text = String(validating: array, as: UTF8.self) {
            return DecodedText(text: text, encoding: .utf8)
        }
        var high = 0, thai = 0, windowsOnly = false
        for b in array where b >= 0x80 {
            high += 1
            if (0xA1...0xFB).contains(b) { thai += 1 }
            if b <= 0xA0 { windowsOnly = true }
        }
        guard thai * 2 > high else { throw .unrecognizedEncoding }
        let encoding: ThaiTextEncoding = windowsOnly ? .windows874 : .tis620
        return DecodedText(text: try decodeLegacy(array, as: encoding), encoding: encoding)
    }

    /// Decodes bytes known to be in `encoding`. For `.utf8` a leading BOM is removed too.
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, as encoding: ThaiTextEncoding) throws(ThaiTextCodecError) -> String {
        let array = Array(bytes)
        switch encoding {
        case .utf8, .utf8WithBOM:
            let body = array.starts(with: utf8BOM) ? array.dropFirst(3) : array[...]
            guard let text = String(validating: body, as: UTF8.self) else { throw .invalidUTF8 }
            return text
        case .tis620, .windows874:
            return try decodeLegacy(array, as: encoding)
        }
    }

    /// Encodes text as Windows-874 (a superset of TIS-620) for legacy systems.
    ///
    /// Throws for characters it cannot hold, unless `replacement` (e.g. `UInt8(ascii: "?")`)
    /// is given; `offset` in the error counts Unicode scalars.
    public static func encodeWindows874(_ text: String, replacement: UInt8? = nil) throws(ThaiTextCodecError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if let b = Windows874Table.byte(for: scalar.value) {
                out.append(b)
            } else if let replacement {
                out.append(replacement)
            } else {
                throw .unencodableCharacter(scalar, offset: offset)
            }
        }
        return out
    }

    /// UTF-8 with a byte-order mark: the only way Excel opens a Thai CSV correctly by double-click.
    public static func utf8WithBOM(_ text: String) -> [UInt8] {
        utf8BOM + Array(text.utf8)
    }

    private static func decodeLegacy(_ bytes: [UInt8], as encoding: ThaiTextEncoding) throws(ThaiTextCodecError) -> String {
        var scalars = String.UnicodeScalarView()
        for (offset, b) in bytes.enumerated() {
            guard let value = Windows874Table.scalar(for: b, windows874: encoding == .windows874),
                  let scalar = Unicode.Scalar(value)
            else { throw .undefinedByte(b, offset: offset, encoding: encoding) }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
