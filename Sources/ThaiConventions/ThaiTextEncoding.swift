/// The text encodings found in Thai files.
public enum ThaiTextEncoding: String, Sendable, Codable, CaseIterable {
    /// UTF-8 without a byte-order mark (also plain ASCII and empty input).
    case utf8
    /// UTF-8 starting with the byte-order mark EF BB BF (what Excel writes and wants).
    case utf8WithBOM
    /// TIS-620 (มอก. 620-2533): ASCII plus 87 Thai characters in 0xA1–0xFB.
    case tis620
    /// Windows-874: TIS-620 plus €, …, curly quotes, dashes, bullet and no-break space.
    case windows874
}

/// Text decoded from bytes, and the encoding it turned out to be in.
public struct DecodedText: Sendable, Hashable {
    public let text: String
    public let encoding: ThaiTextEncoding

    public init(text: String, encoding: ThaiTextEncoding) {
        self.text = text
        self.encoding = encoding
    }
}

/// Why bytes could not be turned into text, or text into bytes.
public enum ThaiTextCodecError: BilingualError, Equatable, CustomStringConvertible {
    /// Neither UTF-8 nor mostly Thai legacy bytes (e.g. UTF-16, Latin-1, a binary file).
    case unrecognizedEncoding
    /// Bytes said to be UTF-8 are not valid UTF-8.
    case invalidUTF8
    /// A byte with no character in the encoding (e.g. 0xDB–0xDE, 0xFC–0xFF in TIS-620).
    case undefinedByte(UInt8, offset: Int, encoding: ThaiTextEncoding)
    /// A character Windows-874 cannot represent (e.g. emoji, Lao, Chinese).
    case unencodableCharacter(Unicode.Scalar, offset: Int)

    public var message: LocalizedMessage {
        switch self {
        case .unrecognizedEncoding:
            return LocalizedMessage(
                th: "ไม่รู้จักการเข้ารหัสของไฟล์ กรุณาบันทึกไฟล์เป็น UTF-8 หรือ TIS-620",
                en: "Unrecognized file encoding. Please save the file as UTF-8 or TIS-620.")
        case .invalidUTF8:
            return LocalizedMessage(
                th: "ไฟล์ไม่ใช่ UTF-8 ที่ถูกต้อง",
                en: "The file is not valid UTF-8.")
        case let .undefinedByte(byte, offset, encoding):
            let hex = "0x" + String(byte, radix: 16, uppercase: true)
            return LocalizedMessage(
                th: "ไบต์ \(hex) ที่ตำแหน่ง \(offset) ไม่มีความหมายใน \(encoding.rawValue) ไฟล์อาจเสียหรือใช้การเข้ารหัสอื่น",
                en: "Byte \(hex) at offset \(offset) is undefined in \(encoding.rawValue); the file may be damaged or in another encoding.")
        case let .unencodableCharacter(scalar, offset):
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
            return LocalizedMessage(
                th: "อักขระ “\(scalar)” (\(code)) ที่ตำแหน่ง \(offset) บันทึกเป็น Windows-874 ไม่ได้",
                en: "The character “\(scalar)” (\(code)) at position \(offset) cannot be saved as Windows-874.")
        }
    }

    public var description: String { message.en }
}
