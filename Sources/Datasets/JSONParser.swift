import Foundation

/// JSON text that is not valid JSON (RFC 8259), with the byte offset where reading stopped.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public var description: String { "not valid JSON at byte \(offset)" }
}

extension JSONValue {
    /// Parses JSON text from its UTF-8 bytes. Every stored record is read this way: the Codable
    /// way (`init(from:)`) tries each case in turn and throws for every miss, which made reading
    /// a record's values cost more than everything else an export does with it.
    public init(parsing data: Data) throws {
        self = try data.withUnsafeBytes { raw in
            var parser = JSONParser(raw.bindMemory(to: UInt8.self))
            return try parser.document()
        }
    }

    /// Parses JSON text, read in place from the string's UTF-8 storage.
    public init(parsing text: String) throws {
        var text = text
        self = try text.withUTF8 { bytes in
            var parser = JSONParser(bytes)
            return try parser.document()
        }
    }
}

/// A recursive-descent reader over the bytes of one JSON document.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    /// Deeper nesting than any stored value has is refused rather than allowed to exhaust the stack.
    private static let maxDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws -> JSONValue {
        let value = try self.value(depth: 0)
        skipSpace()
        guard at == bytes.count else { throw fail() }
        return value
    }

    private func fail() -> JSONSyntaxError { JSONSyntaxError(offset: at) }

    private mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        skipSpace()
        guard at < bytes.count, depth < Self.maxDepth else { throw fail() }
        switch bytes[at] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { throw fail() }
        for i in 0..<n where bytes[at + i] != word.utf8Start[i] { throw fail() }
        at += n
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        var members: [String: JSONValue] = [:]
        try list(closedBy: UInt8(ascii: "}")) { p in
            p.skipSpace()
            guard p.at < p.bytes.count, p.bytes[p.at] == UInt8(ascii: "\"") else { throw p.fail() }
            let key = try p.string()
            p.skipSpace()
            guard p.at < p.bytes.count, p.bytes[p.at] == UInt8(ascii: ":") else { throw p.fail() }
            p.at += 1
            let member = try p.value(depth: depth + 1)
            if members[key] == nil { members[key] = member }   // the first of a repeated key, as JSONDecoder
        }
        return .object(members)
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        var items: [JSONValue] = []
        try list(closedBy: UInt8(ascii: "]")) { p in items.append(try p.value(depth: depth + 1)) }
        return .array(items)
    }

    /// The comma-separated elements of an object or array, from its opening bracket to `close`.
    private mutating func list(closedBy close: UInt8, _ element: (inout JSONParser) throws -> Void) throws {
        at += 1   // { or [
        skipSpace()
        if at < bytes.count, bytes[at] == close { at += 1; return }
        while true {
            try element(&self)
            skipSpace()
            guard at < bytes.count else { throw fail() }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == close else { throw fail() }
            at += 1
            return
        }
    }

    /// A string from its opening quote; runs without escapes are taken whole.
    private mutating func string() throws -> String {
        at += 1   // "
        var out = ""
        while true {
            let run = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
                guard bytes[at] >= 0x20 else { throw fail() }
                at += 1
            }
            guard at < bytes.count else { throw fail() }
            out += try text(run..<at)
            if bytes[at] == UInt8(ascii: "\"") { at += 1; return out }
            at += 1   // the backslash
            guard at < bytes.count else { throw fail() }
            let escaped = bytes[at]
            at += 1
            switch escaped {
            case UInt8(ascii: "\""): out += "\""
            case UInt8(ascii: "\\"): out += "\\"
            case UInt8(ascii: "/"): out += "/"
            case UInt8(ascii: "b"): out += "\u{08}"
            case UInt8(ascii: "f"): out += "\u{0C}"
            case UInt8(ascii: "n"): out += "\n"
            case UInt8(ascii: "r"): out += "\r"
            case UInt8(ascii: "t"): out += "\t"
            case UInt8(ascii: "u"): out.unicodeScalars.append(try escapedScalar())
            default: at -= 1; throw fail()
            }
        }
    }

    /// The scalar of `\uXXXX` (the `\u` read), joining a surrogate pair; a lone surrogate is an error.
    private mutating func escapedScalar() throws -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first) {
            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { throw fail() }
            at += 2
            let second = try hex4()
            guard (0xDC00..<0xE000).contains(second) else { throw fail() }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw fail() }
        return scalar
    }

    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail()
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    /// Bytes as text; not valid UTF-8 is an error, as it is to `JSONDecoder`.
    private func text(_ range: Range<Int>) throws -> String {
        guard let s = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else { throw JSONSyntaxError(offset: range.lowerBound) }
        return s
    }

    /// A number by JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as a Decimal.
    private mutating func number() throws -> Decimal {
        let start = at
        func digits() -> Int {
            let from = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            return at - from
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { throw fail() }
        if bytes[at] == UInt8(ascii: "0") { at += 1 } else { guard digits() > 0 else { throw fail() } }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { throw fail() }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { throw fail() }
        }
        guard let n = Decimal(string: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)), !n.isNaN
        else { throw JSONSyntaxError(offset: start) }
        return n
    }
}
