/// HTML built by string interpolation that escapes by default: `"<p>\(name)</p>" as HTML` escapes
/// `name`; only another `HTML` value is inserted as markup.
public struct HTML: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    public var rendered: String

    public init(stringLiteral value: String) { rendered = value }
    public init(stringInterpolation: Interpolation) { rendered = stringInterpolation.output }
    public init(raw: String) { rendered = raw }
    public var description: String { rendered }

    public static let empty = HTML(raw: "")

    public struct Interpolation: StringInterpolationProtocol {
        var output = ""
        public init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { output += literal }
        public mutating func appendInterpolation(_ text: String) { output += HTML.escape(text) }
        public mutating func appendInterpolation(_ text: String?) { output += HTML.escape(text ?? "") }
        public mutating func appendInterpolation(_ number: Int) { output += String(number) }
        public mutating func appendInterpolation(_ html: HTML) { output += html.rendered }
        public mutating func appendInterpolation(_ parts: [HTML]) { for p in parts { output += p.rendered } }
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

extension Sequence {
    func html(_ transform: (Element) throws -> HTML) rethrows -> HTML {
        HTML(raw: try map { try transform($0).rendered }.joined())
    }
}

extension HTML {
    static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.rendered + b.rendered) }
}
