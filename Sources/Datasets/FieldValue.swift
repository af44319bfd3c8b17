import Foundation
import ThaiConventions

/// A latitude/longitude pair in degrees (WGS 84). JSON: `{"lat": 14.68, "lon": 102.53}`.
public struct GeoPoint: Sendable, Hashable, Codable {
    public var lat: Double
    public var lon: Double

    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    /// Whether -90 ≤ lat ≤ 90 and -180 ≤ lon ≤ 180.
    public var isInRange: Bool { (-90...90).contains(lat) && (-180...180).contains(lon) }
}

/// One stored value of a record field. Every `FieldType` has its case; `.null` is "empty".
///
/// JSON form (the API's, also the stored one): text-like values as strings; integers and decimals
/// as numbers (decimals exact); dates `"2023-03-15"`; date-times ISO 8601 with offset
/// (`"2023-03-15T14:05:00+07:00"`, Bangkok time, whole seconds); booleans; multiple choice as an
/// array of strings; national IDs and phones as their digits; points `{"lat": .., "lon": ..}`;
/// areas as the GeoJSON geometry object; villages and references as UUID strings; empty as null.
///
/// Decoding a `FieldValue` without its field type can only guess (a string becomes `.text`);
/// read stored or posted values with `DatasetSchema.decodeValues(from:)` or
/// `FieldDefinition.parse(json:)`, which know the type.
public enum FieldValue: Sendable, Hashable, Codable {
    case null
    /// `text` and `long_text`.
    case text(String)
    case integer(Int64)
    case decimal(Decimal)
    case date(CalendarDay)
    /// Whole seconds.
    case datetime(Date)
    case boolean(Bool)
    /// One of the field's choices, spelt as in the schema.
    case choice(String)
    /// Some of the field's choices, spelt as in the schema, no repeats.
    case multiChoice([String])
    case thaiID(ThaiNationalID)
    /// Digits only, starting with 0 (`0812345678`).
    case phone(String)
    case email(String)
    case point(GeoPoint)
    /// A validated GeoJSON `Polygon` or `MultiPolygon` geometry.
    case area(JSONValue)
    /// An opaque reference to a stored file (the app decides its form).
    case file(String)
    /// The id of one of the tenant's villages/communities.
    case village(UUID)
    /// The id of a record of the field's `reference` dataset.
    case reference(UUID)

    public var isNull: Bool { self == .null }

    /// The JSON form described on the type.
    public var json: JSONValue {
        switch self {
        case .null: .null
        case .text(let s), .choice(let s), .phone(let s), .email(let s), .file(let s): .string(s)
        case .integer(let n): .number(Decimal(n))
        case .decimal(let d): .number(d)
        case .date(let d): .string(d.iso8601)
        case .datetime(let d): .string(DateTimeText.iso8601(d))
        case .boolean(let b): .bool(b)
        case .multiChoice(let a): .array(a.map(JSONValue.string))
        case .thaiID(let id): .string(id.digits)
        case .point(let p): .object(["lat": .number(Self.decimal(p.lat)), "lon": .number(Self.decimal(p.lon))])
        case .area(let g): g
        case .village(let u), .reference(let u): .string(u.uuidString)
        }
    }

    /// A plain-text form that the text parser reads back to the same value (for CSV export,
    /// form inputs and type conversion): ISO dates, `lat, lon`, choices joined by `, `.
    public var text: String {
        switch self {
        case .null: ""
        case .text(let s), .choice(let s), .phone(let s), .email(let s), .file(let s): s
        case .integer(let n): String(n)
        case .decimal(let d): d.description
        case .date(let d): d.iso8601
        case .datetime(let d): DateTimeText.iso8601(d)
        case .boolean(let b): b ? "true" : "false"
        case .multiChoice(let a): a.joined(separator: ", ")
        case .thaiID(let id): id.digits
        case .point(let p): "\(Self.decimal(p.lat)), \(Self.decimal(p.lon))"
        case .area(let g): g.jsonText
        case .village(let u), .reference(let u): u.uuidString
        }
    }

    /// Encodes `json`.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    /// Decodes by guessing the type from the JSON alone (string → text, whole number → integer,
    /// other number → decimal, array → multiple choice, `{lat, lon}` → point, object with `type` →
    /// area). Prefer `FieldDefinition.parse(json:)`, which knows the type.
    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        switch json {
        case .null: self = .null
        case .bool(let b): self = .boolean(b)
        case .number(let n):
            if let i = FieldParsing.int64(n) { self = .integer(i) } else { self = .decimal(n) }
        case .string(let s): self = .text(s)
        case .array(let a):
            self = .multiChoice(a.compactMap { if case .string(let s) = $0 { s } else { nil } })
        case .object(let o):
            if let lat = o["lat"]?.doubleValue, let lon = o["lon"]?.doubleValue {
                self = .point(GeoPoint(lat: lat, lon: lon))
            } else {
                self = .area(json)
            }
        }
    }

    /// Shortest decimal that reads back as the same Double (`14.68`, not `14.67999999`).
    static func decimal(_ x: Double) -> Decimal {
        Decimal(string: "\(x)", locale: Locale(identifier: "en_US_POSIX")) ?? Decimal(x)
    }
}

/// A record's values keyed by field key; Codable as a JSON object (`{"members": 4, ...}`).
public typealias RecordValues = [String: FieldValue]

extension DatasetSchema {
    /// Reads stored or posted values (a JSON object keyed by field key) with each field's type.
    /// Keys not in the schema are kept as guessed (`FieldValue.init(from:)`); values that do not
    /// fit their field are errors. Constraints are not checked here (see `RecordValidator`).
    public func decodeValues(from data: Data) throws -> RecordValues {
        try decodeValues(try JSONValue(parsing: data))
    }

    /// Reads values stored as JSON text (a record's `values_json`), as `decodeValues(from:)` does.
    public func decodeValues(fromJSON text: String) throws -> RecordValues {
        try decodeValues(try JSONValue(parsing: text))
    }

    private func decodeValues(_ document: JSONValue) throws -> RecordValues {
        guard case .object(let raw) = document else { throw JSONSyntaxError(offset: 0) }
        var out: RecordValues = [:]
        for (key, json) in raw {
            if let field = field(key) {
                out[key] = try field.stored(json)
            } else {
                out[key] = try JSONDecoder().decode(FieldValue.self, from: Data(json.jsonText.utf8))
            }
        }
        return out
    }

    /// Values a version saved, perhaps under an older form of this schema (before a rename or a
    /// type change), read in its present form: see `upgrading`.
    public func decodeVersion(fromJSON text: String) throws -> (values: RecordValues, errors: [FieldError]) {
        guard case .object(let raw) = try JSONValue(parsing: text) else { throw JSONSyntaxError(offset: 0) }
        var stored: RecordValues = [:]
        for (key, json) in raw {
            if let field = field(key), let typed = try? field.stored(json) {
                stored[key] = typed
            } else {
                stored[key] = try JSONDecoder().decode(FieldValue.self, from: Data(json.jsonText.utf8))
            }
        }
        return upgrading(stored)
    }

    /// The JSON object of `values`, as the API and storage use it.
    public func encodeValues(_ values: RecordValues) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(values)
    }
}

extension FieldValue {
    /// A file field's value for a file stored with the record: `file:` and its id.
    public static func storedFile(_ id: UUID) -> String { "file:" + id.uuidString.lowercased() }

    /// The id in a file field's value for a stored file (`file:` in either case), or nil for a link.
    public static func storedFileID(_ text: String) -> UUID? {
        guard text.utf8.count > 5, text.prefix(5).lowercased() == "file:" else { return nil }
        return UUID(uuidString: String(text.dropFirst(5)))
    }
}

extension FieldDefinition {
    /// A stored value read back. A file field keeps whatever it holds: values stored before
    /// file fields took only stored files and links must stay readable.
    func stored(_ json: JSONValue) throws(FieldError) -> FieldValue {
        if type == .file, case .string(let text) = json, !text.isEmpty { return .file(text) }
        return try parse(json: json)
    }
}
