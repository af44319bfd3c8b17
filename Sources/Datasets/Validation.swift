import Foundation
import ThaiConventions

extension FieldDefinition {
    /// A bound as a comparable number for this field's type: the number for numbers, lengths
    /// and counts; days since 1970 for dates; seconds since 1970 for date-times. Nil when the
    /// bound does not suit the type.
    public func resolvedLimit(_ limit: FieldLimit) -> Decimal? {
        switch type.limitKind {
        case .number?: return limit.number
        case .length?, .count?:
            guard let n = limit.number, n >= 0, n.isIntegral else { return nil }
            return n
        case .date?:
            guard case .text(let s) = limit, let d = try? CalendarDay.parse(s) else { return nil }
            return Decimal(d.daysSince1970)
        case .datetime?:
            guard case .text(let s) = limit, let d = try? DateTimeText.parse(s) else { return nil }
            return Decimal(d.timeIntervalSince1970)
        case nil: return nil
        }
    }

    /// Constraint checks of one parsed value: required (for `.null`), min/max (numbers: value;
    /// text: length in characters; multiple choice: number chosen; dates: the date), pattern
    /// (the whole text must match), choices (the value is in the list), point range.
    ///
    /// Not checked here, because they need the database: `unique` and the existence of the
    /// referenced record or village; the app checks them after this.
    public func check(_ value: FieldValue) -> [FieldError] {
        var out: [FieldError] = []
        func fail(_ th: String, _ en: String) { out.append(FieldError(self, LocalizedMessage(th: th, en: en))) }
        if value.isNull {
            if required { fail("ต้องกรอก", "required") }
            return out
        }
        // Measured only against a limit: a text's length counts its characters, which is slow.
        if let kind = type.limitKind, min != nil || max != nil {
            let measured: Decimal?
            switch value {
            case .integer(let i): measured = Decimal(i)
            case .decimal(let d): measured = d
            case .text(let s): measured = Decimal(s.count)
            case .multiChoice(let a): measured = Decimal(a.count)
            case .date(let d): measured = Decimal(d.daysSince1970)
            case .datetime(let d): measured = Decimal(d.timeIntervalSince1970)
            default: measured = nil
            }
            if let m = measured {
                if let raw = min, let lo = resolvedLimit(raw), m < lo {
                    let shown = shownLimit(raw, kind)
                    switch kind {
                    case .number: fail("ต้องไม่น้อยกว่า \(shown.th)", "must be at least \(shown.en)")
                    case .length: fail("ต้องยาวอย่างน้อย \(shown.th) ตัวอักษร", "must be at least \(shown.en) characters long")
                    case .count: fail("ต้องเลือกอย่างน้อย \(shown.th) ข้อ", "choose at least \(shown.en)")
                    case .date, .datetime: fail("ต้องไม่ก่อน \(shown.th)", "must not be before \(shown.en)")
                    }
                }
                if let raw = max, let hi = resolvedLimit(raw), m > hi {
                    let shown = shownLimit(raw, kind)
                    switch kind {
                    case .number: fail("ต้องไม่เกิน \(shown.th)", "must be at most \(shown.en)")
                    case .length: fail("ต้องยาวไม่เกิน \(shown.th) ตัวอักษร", "must be at most \(shown.en) characters long")
                    case .count: fail("เลือกได้ไม่เกิน \(shown.th) ข้อ", "choose at most \(shown.en)")
                    case .date, .datetime: fail("ต้องไม่หลัง \(shown.th)", "must not be after \(shown.en)")
                    }
                }
            }
        }
        if let pattern, type.acceptsPattern, let regex = PatternCache.regex(pattern) {
            let s = value.text
            if regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
                fail("ไม่ตรงตามรูปแบบที่กำหนด", "does not match the required pattern")
            }
        }
        switch value {
        case .choice(let c) where !choices.contains(c):
            out.append(FieldError(self, FieldParsing.choiceFailure(c, self).reason))
        case .multiChoice(let a):
            for c in a where !choices.contains(c) {
                out.append(FieldError(self, FieldParsing.choiceFailure(c, self).reason))
            }
        case .point(let p) where !p.isInRange:
            out.append(FieldError(self, LocalizedMessage(
                th: "พิกัดอยู่นอกช่วง (ละติจูด −90 ถึง 90, ลองจิจูด −180 ถึง 180)",
                en: "the point is out of range (latitude −90 to 90, longitude −180 to 180)")))
        default: break
        }
        if !Self.fits(value, type) {
            out.append(FieldError(self, FieldParsing.typeFailure(self).reason))
        }
        return out
    }

    /// Whether a value's case belongs to a field type.
    static func fits(_ value: FieldValue, _ type: FieldType) -> Bool {
        switch (value, type) {
        case (.null, _), (.text, .text), (.text, .longText), (.integer, .integer), (.decimal, .decimal),
             (.date, .date), (.datetime, .datetime), (.boolean, .boolean), (.choice, .choice),
             (.multiChoice, .multiChoice), (.thaiID, .thaiID), (.phone, .phone), (.email, .email),
             (.point, .point), (.area, .area), (.file, .file), (.village, .village), (.reference, .reference):
            true
        default:
            false
        }
    }

    private func shownLimit(_ raw: FieldLimit, _ kind: FieldLimitKind) -> LocalizedMessage {
        switch kind {
        case .date:
            if case .text(let s) = raw, let d = try? CalendarDay.parse(s) {
                return LocalizedMessage(th: d.formatted(.thaiShort), en: d.formatted(.english))
            }
        case .datetime:
            if case .text(let s) = raw, let d = try? DateTimeText.parse(s) {
                return LocalizedMessage(th: BangkokTime.format(d, style: .thaiShort), en: BangkokTime.format(d, style: .english))
            }
        default: break
        }
        return LocalizedMessage(th: raw.description, en: raw.description)
    }
}

/// Compiled patterns, shared across validations (an import checks a million rows).
enum PatternCache {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]

    static func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let r = cache[pattern] { return r }
        // Whole-string match: anchored at both ends (\z, not $, which also matches before a final newline).
        guard (try? NSRegularExpression(pattern: pattern)) != nil,
              let r = try? NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z") else { return nil }
        if cache.count > 1000 { cache.removeAll() }
        cache[pattern] = r
        return r
    }
}

/// A record as it arrives: JSON from the API, or texts from a web form or an import row.
public enum RecordInput: Sendable, Hashable {
    /// An API body's `values` object.
    case json([String: JSONValue])
    /// Form fields or a mapped import row; each text is read with `FieldDefinition.parse(text:)`.
    case text([String: String])
}

/// The outcome of validating a record: the typed values (only those that parsed) and every
/// problem found. The record may be saved only when `errors` is empty.
public struct RecordValidation: Sendable, Hashable {
    public var values: RecordValues
    public var errors: [FieldError]

    public var isValid: Bool { errors.isEmpty }
}

extension DatasetSchema {
    /// Validates a whole record; see `RecordValidator.validate(_:existing:)`.
    public func validate(_ input: RecordInput, existing: RecordValues? = nil) -> RecordValidation {
        var values: RecordValues = [:]
        var errors: [FieldError] = []
        let active = activeFields
        let supplied: [String: Result<FieldValue, FieldError>]
        switch input {
        case .json(let json):
            supplied = json.reduce(into: [:]) { acc, pair in
                guard let field = active.first(where: { $0.key == pair.key }) else { return }
                acc[pair.key] = Result { () throws(FieldError) in try field.parse(json: pair.value) }
            }
        case .text(let texts):
            supplied = texts.reduce(into: [:]) { acc, pair in
                guard let field = active.first(where: { $0.key == pair.key }) else { return }
                acc[pair.key] = Result { () throws(FieldError) in try field.parse(text: pair.value) }
            }
        }
        let inputKeys: [String] = switch input {
        case .json(let j): Array(j.keys)
        case .text(let t): Array(t.keys)
        }
        for key in inputKeys.sorted() where !active.contains(where: { $0.key == key }) {
            errors.append(FieldError(field: key, message: LocalizedMessage(
                th: "\(key): ไม่มีช่องนี้ในชุดข้อมูล", en: "\(key): no such field in this dataset")))
        }
        for field in fields {
            if field.archived {
                // Archived values are kept untouched.
                if let old = existing?[field.key], !old.isNull { values[field.key] = old }
                continue
            }
            let value: FieldValue
            if let result = supplied[field.key] {
                switch result {
                case .success(let v): value = v
                case .failure(let e):
                    errors.append(e)
                    continue
                }
            } else if let existing {
                value = existing[field.key] ?? .null
            } else if let d = field.defaultValue, let v = try? field.parse(json: d) {
                value = v
            } else {
                value = .null
            }
            errors += field.check(value)
            if !value.isNull { values[field.key] = value }
        }
        return RecordValidation(values: values, errors: errors)
    }
}

/// Validates whole records against one schema. Use one validator for a whole import.
///
/// What it checks: unknown keys; each active field's parse (text or JSON); constraints
/// (`FieldDefinition.check`). Defaults fill fields absent from a new record (not fields sent
/// empty). What the app still checks, because it needs the database: `unique` fields (no other
/// record of the dataset has the value; `uniqueFields` lists them) and that `reference` and
/// `village` ids exist in the tenant (`references(in:)` lists them).
public struct RecordValidator: Sendable {
    public let schema: DatasetSchema

    public init(schema: DatasetSchema) {
        self.schema = schema
    }

    /// New record (`existing` nil): absent fields take their default, else stay empty.
    /// Update (PATCH, `existing` = the stored values): absent fields keep their stored value.
    /// Archived fields keep their stored values and cannot be written.
    /// Values are sparse: empty fields are left out of `values`.
    public func validate(_ input: RecordInput, existing: RecordValues? = nil) -> RecordValidation {
        schema.validate(input, existing: existing)
    }

    /// Keys of the active fields that must be unique.
    public var uniqueFields: [String] { schema.activeFields.filter(\.unique).map(\.key) }

    /// The keys a record's unique values are held by: each unique field's value as unique values
    /// are compared (`SearchText.compactKey`), blanks left out.
    public func uniqueKeys(of values: RecordValues) -> [(field: String, valueKey: String)] {
        schema.activeFields.compactMap { field in
            guard field.unique, let v = values[field.key], !v.isNull else { return nil }
            return (field.key, SearchText.compactKey(v.text))
        }
    }

    /// The `dataset` of a reference to a file stored with the dataset's records.
    public static let storedFile = "file:"

    /// The ids a record points to, for the app to check they exist: (field key, target dataset
    /// slug, `storedFile`, or nil for a village, id).
    public func references(in values: RecordValues) -> [(field: String, dataset: String?, id: UUID)] {
        schema.activeFields.compactMap { field in
            switch values[field.key] {
            case .reference(let u)?: (field.key, field.reference, u)
            case .village(let u)?: (field.key, nil, u)
            case .file(let text)?: FieldValue.storedFileID(text).map { (field.key, Self.storedFile, $0) }
            default: nil
            }
        }
    }
}
