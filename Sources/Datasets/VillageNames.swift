import Foundation
import ThaiConventions

/// A municipality's villages (หมู่) and communities (ชุมชน), to read a village field written the
/// way people write it: "หมู่ที่ 1", "หมู่ 1", "ม.๑", "Moo 1", "1", "บ้านหนองกี่", "หนองกี่",
/// "ชุมชนตลาด", "หมู่ที่ 1 บ้านหนองกี่" (the label exports write), or the village's id.
/// A text that could mean two villages means none.
public struct VillageNames: Sendable {
    public struct Village: Sendable {
        public let id: UUID
        /// The หมู่ number, for villages that have one.
        public let number: Int?
        public let nameTH: String
        public let nameEN: String
        public init(id: UUID, number: Int?, nameTH: String, nameEN: String) {
            self.id = id; self.number = number; self.nameTH = nameTH; self.nameEN = nameEN
        }
    }

    private var byNumber: [Int: [UUID]] = [:]
    private var byName: [String: [UUID]] = [:]
    private let ids: Set<UUID>
    /// What each village is called in files people open: "หมู่ที่ 1 หนองกี่", or a community's
    /// name; `id(for:)` reads it back.
    public private(set) var labels: [UUID: String] = [:]

    public init(_ villages: [Village]) {
        ids = Set(villages.map(\.id))
        for v in villages {
            labels[v.id] = v.number.map { "หมู่ที่ \($0) \(v.nameTH)" } ?? v.nameTH
            if let n = v.number { byNumber[n, default: []].append(v.id) }
            for name in Set([v.nameTH, v.nameEN].map(Self.name).filter { !$0.isEmpty }) { byName[name, default: []].append(v.id) }
        }
    }

    /// The village `text` names, if exactly one.
    public func id(for text: String) -> UUID? {
        if let u = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) { return ids.contains(u) ? u : nil }
        let (number, rest) = Self.split(text)
        let named = rest.isEmpty ? nil : byName[Self.name(rest)]
        switch (number, named) {
        case (let n?, nil) where rest.isEmpty: return Self.one(byNumber[n])
        case (let n?, let ids?): return Self.one(ids.filter { (byNumber[n] ?? []).contains($0) })
        case (nil, let ids?): return Self.one(ids)
        default: return nil
        }
    }

    private static func one(_ ids: [UUID]?) -> UUID? { ids?.count == 1 ? ids?.first : nil }

    /// "หมู่ที่ ๑ บ้านหนองกี่" → (1, "บ้านหนองกี่"); "12" → (12, ""); "หนองกี่" → (nil, "หนองกี่").
    static func split(_ text: String) -> (number: Int?, rest: String) {
        var s = ThaiDigits.toASCII(text).lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for prefix in ["หมู่ที่", "หมู่บ้านที่", "หมู่", "ม.", "moo", "village no.", "village"] where s.hasPrefix(prefix) {
            let after = s.dropFirst(prefix.count).drop { $0 == " " || $0 == "." }
            guard after.first?.isNumber == true else { break }
            s = String(after)
            break
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return (nil, s) }
        return (n, String(s.dropFirst(digits.count)).trimmingCharacters(in: .whitespaces))
    }

    /// A name compared without "บ้าน"/"ชุมชน" in front, spaces, or case.
    static func name(_ text: String) -> String {
        var s = text.lowercased().filter { !$0.isWhitespace }
        for prefix in ["บ้าน", "ชุมชน", "ban", "community"] where s.hasPrefix(prefix) && s.count > prefix.count {
            s = String(s.dropFirst(prefix.count))
            break
        }
        return s
    }
}

extension RecordInput {
    /// The same input with each village field written as a name or number given as its id
    /// (what `FieldDefinition.parse` reads); a text no village matches is left for the parser
    /// to refuse.
    public func resolvingVillages(_ schema: DatasetSchema, _ names: VillageNames) -> RecordInput {
        let keys = Set(schema.activeFields.filter { $0.type == .village }.map(\.key))
        guard !keys.isEmpty else { return self }
        func resolved(_ text: String) -> String? {
            guard UUID(uuidString: text) == nil, let id = names.id(for: text) else { return nil }
            return id.uuidString
        }
        switch self {
        case .text(var values):
            for key in keys { if let t = values[key], let id = resolved(t) { values[key] = id } }
            return .text(values)
        case .json(var values):
            for key in keys { if case .string(let t)? = values[key], let id = resolved(t) { values[key] = .string(id) } }
            return .json(values)
        }
    }
}
