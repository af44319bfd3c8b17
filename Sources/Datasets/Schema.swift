import Foundation
import ThaiConventions

/// The type of a dataset field. Raw values are the API's type names.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case text
    case longText = "long_text"
    case integer
    case decimal
    case date
    case datetime
    case boolean
    case choice
    case multiChoice = "multi_choice"
    case thaiID = "thai_id"
    case phone
    case email
    case point
    case area
    case file
    case village
    case reference

    /// Thai and English names, for the schema designer and messages.
    public var label: LocalizedMessage {
        switch self {
        case .text: LocalizedMessage(th: "ข้อความ", en: "Text")
        case .longText: LocalizedMessage(th: "ข้อความยาว", en: "Long text")
        case .integer: LocalizedMessage(th: "จำนวนเต็ม", en: "Integer")
        case .decimal: LocalizedMessage(th: "ทศนิยม", en: "Decimal")
        case .date: LocalizedMessage(th: "วันที่", en: "Date")
        case .datetime: LocalizedMessage(th: "วันที่และเวลา", en: "Date and time")
        case .boolean: LocalizedMessage(th: "ใช่/ไม่ใช่", en: "Yes/no")
        case .choice: LocalizedMessage(th: "เลือกหนึ่งข้อ", en: "Single choice")
        case .multiChoice: LocalizedMessage(th: "เลือกได้หลายข้อ", en: "Multiple choice")
        case .thaiID: LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "Thai national ID")
        case .phone: LocalizedMessage(th: "โทรศัพท์", en: "Phone")
        case .email: LocalizedMessage(th: "อีเมล", en: "Email")
        case .point: LocalizedMessage(th: "พิกัด (จุด)", en: "Point")
        case .area: LocalizedMessage(th: "พื้นที่ (รูปหลายเหลี่ยม)", en: "Area (polygon)")
        case .file: LocalizedMessage(th: "รูปภาพ/ไฟล์", en: "Photo/file")
        case .village: LocalizedMessage(th: "หมู่บ้าน/ชุมชน", en: "Village/community")
        case .reference: LocalizedMessage(th: "อ้างอิงระเบียนอื่น", en: "Reference to a record")
        }
    }

    /// Whether the type takes a list of choices.
    public var hasChoices: Bool { self == .choice || self == .multiChoice }

    /// Types whose values are strings a `pattern` can be matched against.
    public var acceptsPattern: Bool { [.text, .longText, .phone, .email, .file].contains(self) }

    /// What `min`/`max` bound for this type, or nil if the type takes no bounds:
    /// the value for numbers and dates, the length for texts, the count for multiple choice.
    public var limitKind: FieldLimitKind? {
        switch self {
        case .integer, .decimal: .number
        case .text, .longText: .length
        case .multiChoice: .count
        case .date: .date
        case .datetime: .datetime
        default: nil
        }
    }
}

/// What a field's `min` and `max` mean for its type.
public enum FieldLimitKind: Sendable, Hashable {
    case number, length, count, date, datetime
}

/// A `min` or `max` bound as written in the schema JSON: a number (`0`) or a text (`"2020-01-01"`).
///
/// Dates and date-times take a text in any form the text parser reads; numbers, lengths and
/// counts take a number (a numeric text is accepted too).
public enum FieldLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Decimal)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Decimal.self) {
            self = .number(n)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .text(let s): try container.encode(s)
        }
    }

    public var description: String {
        switch self {
        case .number(let n): n.description
        case .text(let s): s
        }
    }

    /// The bound as a number, reading Thai digits in a text.
    public var number: Decimal? {
        switch self {
        case .number(let n): n
        case .text(let s): ThaiDigits.parseDecimal(s)
        }
    }
}

/// One field of a dataset, as stored in the schema JSON.
///
/// JSON keys: `key`, `type`, `label` {th,en}, `required`, `unique`, `min`, `max`, `pattern`,
/// `default`, `help` {th,en}, `choices`, `reference`, `archived`, `former_keys`. Only `key` and `type` are
/// needed; absent keys mean: no label (the key is shown), not required, not unique, no bounds,
/// no pattern, no default, no help, no choices, not archived. A label or help with only one
/// language uses it for both.
public struct FieldDefinition: Sendable, Hashable, Codable {
    /// Machine name, `[a-z][a-z0-9_]{0,62}`; the key in record values and the API.
    public var key: String
    public var type: FieldType
    /// Thai and English label; nil shows the key.
    public var label: LocalizedMessage?
    public var required: Bool
    /// Values must differ across the dataset's records. Checked by the app (needs the database).
    public var unique: Bool
    /// Lower bound; see `FieldType.limitKind` for what it bounds.
    public var min: FieldLimit?
    /// Upper bound; see `FieldType.limitKind`.
    public var max: FieldLimit?
    /// A regular expression (NSRegularExpression syntax) the whole text value must match.
    public var pattern: String?
    /// The value used when a new record leaves the field out, in the field's JSON form.
    public var defaultValue: JSONValue?
    public var help: LocalizedMessage?
    /// The allowed values of `choice` and `multi_choice` fields, in display order.
    public var choices: [String]
    /// For `reference` fields: the slug of the target dataset (same tenant).
    public var reference: String?
    /// A removed field: kept with its values so it can be restored, but not shown or validated.
    public var archived: Bool
    /// The keys this field had before it was renamed, oldest first. Versions saved before a
    /// rename hold its values under these; `DatasetSchema.upgrading` reads them back.
    public var formerKeys: [String] = []

    public init(
        key: String, type: FieldType, label: LocalizedMessage? = nil, required: Bool = false,
        unique: Bool = false, min: FieldLimit? = nil, max: FieldLimit? = nil, pattern: String? = nil,
        defaultValue: JSONValue? = nil, help: LocalizedMessage? = nil, choices: [String] = [],
        reference: String? = nil, archived: Bool = false
    ) {
        self.key = key
        self.type = type
        self.label = label
        self.required = required
        self.unique = unique
        self.min = min
        self.max = max
        self.pattern = pattern
        self.defaultValue = defaultValue
        self.help = help
        self.choices = choices
        self.reference = reference
        self.archived = archived
    }

    /// The label to show, falling back to the key.
    public var displayLabel: LocalizedMessage { label ?? LocalizedMessage(th: key, en: key) }

    enum CodingKeys: String, CodingKey {
        case key, type, label, required, unique, min, max, pattern
        case defaultValue = "default"
        case help, choices, reference, archived
        case formerKeys = "former_keys"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        type = try c.decode(FieldType.self, forKey: .type)
        label = try c.decodeIfPresent(LenientMessage.self, forKey: .label)?.message
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        unique = try c.decodeIfPresent(Bool.self, forKey: .unique) ?? false
        min = try c.decodeIfPresent(FieldLimit.self, forKey: .min)
        max = try c.decodeIfPresent(FieldLimit.self, forKey: .max)
        pattern = try c.decodeIfPresent(String.self, forKey: .pattern)
        let d = try c.decodeIfPresent(JSONValue.self, forKey: .defaultValue)
        defaultValue = d == .null ? nil : d
        help = try c.decodeIfPresent(LenientMessage.self, forKey: .help)?.message
        choices = try c.decodeIfPresent([String].self, forKey: .choices) ?? []
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        archived = try c.decodeIfPresent(Bool.self, forKey: .archived) ?? false
        formerKeys = try c.decodeIfPresent([String].self, forKey: .formerKeys) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encode(required, forKey: .required)
        try c.encode(unique, forKey: .unique)
        try c.encodeIfPresent(min, forKey: .min)
        try c.encodeIfPresent(max, forKey: .max)
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encodeIfPresent(defaultValue, forKey: .defaultValue)
        try c.encodeIfPresent(help, forKey: .help)
        if !choices.isEmpty || type.hasChoices { try c.encode(choices, forKey: .choices) }
        try c.encodeIfPresent(reference, forKey: .reference)
        try c.encode(archived, forKey: .archived)
        if !formerKeys.isEmpty { try c.encode(formerKeys, forKey: .formerKeys) }
    }
}

/// `{"th": ..., "en": ...}` where either language may be missing (then the other is used).
private struct LenientMessage: Decodable {
    let message: LocalizedMessage
    enum CodingKeys: String, CodingKey { case th, en }
    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let s = try? single.decode(String.self) {
            message = LocalizedMessage(th: s, en: s)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let th = try c.decodeIfPresent(String.self, forKey: .th)
        let en = try c.decodeIfPresent(String.self, forKey: .en)
        guard let any = th ?? en else {
            throw DecodingError.dataCorruptedError(forKey: .th, in: c, debugDescription: "label needs th or en")
        }
        message = LocalizedMessage(th: th ?? any, en: en ?? any)
    }
}

/// A problem found in one field of a record, in a schema, or in an imported row.
///
/// `field` is the field key (for a schema problem about an unusable key: `fields[3]`).
/// `message` names the field's label, e.g. th `บ้านเลขที่: ต้องกรอก`, en `House no.: required`.
public struct FieldError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: String
    public var message: LocalizedMessage

    public init(field: String, message: LocalizedMessage) {
        self.field = field
        self.message = message
    }

    /// `label: reason` in both languages.
    public init(_ field: FieldDefinition, _ reason: LocalizedMessage) {
        let label = field.displayLabel
        self.init(field: field.key, message: LocalizedMessage(th: "\(label.th): \(reason.th)", en: "\(label.en): \(reason.en)"))
    }

    public var description: String { "\(field): \(message)" }
}

extension FieldError: BilingualError {}

/// A dataset's fields in display order, archived ones included.
///
/// Codable as `{"fields": [...]}`, so the whole create body of the API
/// (`{"slug": ..., "title": ..., "fields": [...]}`) decodes to it; other keys are ignored.
public struct DatasetSchema: Sendable, Hashable, Codable {
    public var fields: [FieldDefinition]

    public init(fields: [FieldDefinition]) {
        self.fields = fields
    }

    /// Fields that are shown, filled and validated (not archived).
    public var activeFields: [FieldDefinition] { fields.filter { !$0.archived } }

    /// The field with `key` (archived or not).
    public func field(_ key: String) -> FieldDefinition? { fields.first { $0.key == key } }

    /// Values saved under an older form of this schema, read in its present form: values under
    /// a field's former key move to its key, and each is converted to its field's present type.
    /// A value its field's present type cannot take is kept as it was, under the present key,
    /// and reported (a restore refuses it; a history page shows it); keys the schema never
    /// knew are kept as they are.
    public func upgrading(_ values: RecordValues) -> (values: RecordValues, errors: [FieldError]) {
        var current: [String: FieldDefinition] = [:]
        for f in fields {
            current[f.key] = f
            for former in f.formerKeys where current[former] == nil { current[former] = f }
        }
        var out: RecordValues = [:]
        var errors: [FieldError] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let field = current[key] else { out[key] = value; continue }
            if key != field.key, values[field.key] != nil { continue }   // both forms: the present key wins
            do { out[field.key] = try SchemaEvolution.convert(value, to: field) } catch {
                out[field.key] = value
                errors.append(error)
            }
        }
        return (out, errors)
    }

    /// Whether `key` is a valid field key: `[a-z][a-z0-9_]{0,62}`.
    public static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, key.unicodeScalars.count <= 63,
              ("a"..."z").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Everything wrong with the schema; empty when it can be saved. Checks: keys well-formed
    /// and unique; choices present (and distinct) for choice types; `min`/`max` readable for the
    /// type and `min ≤ max`; the pattern compiles; the default is a valid value of its field;
    /// a reference field names its target dataset.
    public func problems() -> [FieldError] {
        var out: [FieldError] = []
        var seen: Set<String> = []
        for (index, field) in fields.enumerated() {
            func problem(_ th: String, _ en: String) { out.append(FieldError(field, LocalizedMessage(th: th, en: en))) }
            guard Self.isValidKey(field.key) else {
                out.append(FieldError(field: "fields[\(index)]", message: LocalizedMessage(
                    th: "ชื่อช่อง “\(field.key)” ใช้ไม่ได้: ต้องขึ้นต้นด้วย a-z ตามด้วย a-z 0-9 หรือ _ ไม่เกิน 63 ตัว",
                    en: "Field key “\(field.key)” is not valid: it must start with a-z, then a-z, 0-9 or _, at most 63 characters.")))
                continue
            }
            if !seen.insert(field.key).inserted {
                problem("ชื่อช่อง “\(field.key)” ซ้ำกับช่องอื่น", "the key “\(field.key)” is used by another field")
            }
            if field.type.hasChoices {
                if field.choices.isEmpty {
                    problem("ต้องกำหนดตัวเลือกอย่างน้อยหนึ่งข้อ", "choices are needed (at least one)")
                }
                let keys = field.choices.map(ChoiceMatcher.key)
                if keys.contains("") {
                    problem("มีตัวเลือกที่ว่างเปล่า", "a choice is empty")
                }
                if Set(keys).count != keys.count {
                    problem("มีตัวเลือกซ้ำกัน", "two choices are the same")
                }
            } else if !field.choices.isEmpty {
                problem("ช่องชนิดนี้ไม่มีตัวเลือก", "this field type takes no choices")
            }
            if field.type == .reference, (field.reference ?? "").isEmpty {
                problem("ต้องระบุชุดข้อมูลที่อ้างอิง", "the referenced dataset is missing")
            }
            if field.min != nil || field.max != nil {
                if field.type.limitKind == nil {
                    problem("ช่องชนิดนี้กำหนดค่าต่ำสุด/สูงสุดไม่ได้", "this field type takes no minimum or maximum")
                } else {
                    let lo = field.min.map { (field.resolvedLimit($0), $0) }
                    let hi = field.max.map { (field.resolvedLimit($0), $0) }
                    if let (r, raw) = lo, r == nil {
                        problem("ค่าต่ำสุด “\(raw)” ใช้ไม่ได้กับช่องชนิดนี้", "the minimum “\(raw)” does not suit this field type")
                    }
                    if let (r, raw) = hi, r == nil {
                        problem("ค่าสูงสุด “\(raw)” ใช้ไม่ได้กับช่องชนิดนี้", "the maximum “\(raw)” does not suit this field type")
                    }
                    if let a = lo?.0, let b = hi?.0, b < a {
                        problem("ค่าต่ำสุดมากกว่าค่าสูงสุด", "the minimum is greater than the maximum")
                    }
                }
            }
            if let pattern = field.pattern {
                if !field.type.acceptsPattern {
                    problem("ช่องชนิดนี้กำหนดรูปแบบไม่ได้", "this field type takes no pattern")
                } else if (try? NSRegularExpression(pattern: pattern)) == nil {
                    problem("รูปแบบ (pattern) “\(pattern)” ไม่ถูกต้อง", "the pattern “\(pattern)” is not a valid regular expression")
                }
            }
            if let d = field.defaultValue {
                var probe = field
                probe.defaultValue = nil
                probe.required = false
                if field.pattern.flatMap({ try? NSRegularExpression(pattern: $0) }) == nil { probe.pattern = nil }
                do {
                    let value = try probe.parse(json: d)
                    for e in probe.check(value) {
                        out.append(FieldError(field: field.key, message: LocalizedMessage(
                            th: "ค่าเริ่มต้นใช้ไม่ได้ (\(e.message.th))", en: "the default is not valid (\(e.message.en))")))
                    }
                } catch {
                    out.append(FieldError(field: field.key, message: LocalizedMessage(
                        th: "ค่าเริ่มต้นใช้ไม่ได้ (\(error.message.th))", en: "the default is not valid (\(error.message.en))")))
                }
            }
        }
        return out
    }
}
