import Foundation
import ThaiConventions

/// A change from one schema to another that never loses data.
///
/// Fields are matched by key, with `renames` (old key → new key) for renamed ones. Then:
/// - a renamed field keeps its values (`migrate` moves them to the new key);
/// - a field missing from the new schema is not deleted but kept as `archived` (with its values),
///   and listed in `archived`; putting it back in a later schema (`archived: false`) restores it;
/// - a type change is allowed only if every stored value converts to the new type (through the
///   text parser); otherwise the app refuses the change with `unconvertibleRecords(_:)`.
///
/// The app saves `result` (not the proposed schema), and runs `migrate` over the stored values.
public struct SchemaEvolution: Sendable, Hashable {
    /// A field whose type changes.
    public struct TypeChange: Sendable, Hashable, Codable {
        /// The key in the new schema.
        public var key: String
        public var from: FieldType
        public var to: FieldType
    }

    /// A stored value that cannot take its field's new type.
    public struct Blocker<ID: Hashable & Sendable>: Sendable, Hashable {
        public var record: ID
        public var error: FieldError
    }

    public let old: DatasetSchema
    /// The schema to save: the proposed fields, then the fields it dropped, archived.
    public private(set) var result: DatasetSchema
    /// Applied renames, old key → new key.
    public private(set) var renamed: [String: String] = [:]
    /// Keys of fields new in this change.
    public private(set) var added: [String] = []
    /// Keys of fields archived by this change.
    public private(set) var archived: [String] = []
    /// Keys of archived fields brought back by this change.
    public private(set) var restored: [String] = []
    public private(set) var typeChanges: [TypeChange] = []
    /// Problems with the change itself (bad rename map, key clashes) and with the resulting
    /// schema (`DatasetSchema.problems()`); the change may be saved only when empty (and no
    /// record blocks a type change).
    public private(set) var problems: [FieldError] = []

    public init(old: DatasetSchema, new proposed: DatasetSchema, renames: [String: String] = [:]) {
        self.old = old
        var fields = proposed.fields
        let newKeys = Set(proposed.fields.map(\.key))
        let oldKeys = Set(old.fields.map(\.key))
        var problems: [FieldError] = []
        for (from, to) in renames.sorted(by: { $0.key < $1.key }) {
            if !oldKeys.contains(from) {
                problems.append(FieldError(field: from, message: LocalizedMessage(
                    th: "เปลี่ยนชื่อไม่ได้: ไม่มีช่อง “\(from)” ในโครงสร้างเดิม", en: "cannot rename: there is no field “\(from)” in the old schema")))
            } else if !newKeys.contains(to) {
                problems.append(FieldError(field: to, message: LocalizedMessage(
                    th: "เปลี่ยนชื่อไม่ได้: ไม่มีช่อง “\(to)” ในโครงสร้างใหม่", en: "cannot rename: there is no field “\(to)” in the new schema")))
            }
        }
        var mappedTargets: [String: String] = [:]
        for field in old.fields {
            let target = renames[field.key] ?? field.key
            if let other = mappedTargets[target], newKeys.contains(target) {
                problems.append(FieldError(field: target, message: LocalizedMessage(
                    th: "ช่อง “\(other)” และ “\(field.key)” ถูกย้ายไปที่ “\(target)” พร้อมกัน",
                    en: "both “\(other)” and “\(field.key)” would become “\(target)”")))
                continue
            }
            if let index = proposed.fields.firstIndex(where: { $0.key == target }) {
                mappedTargets[target] = field.key
                // The field remembers every key it had, so versions saved under them still read.
                var seen: Set<String> = [target]
                fields[index].formerKeys = (field.formerKeys + [field.key]).filter { seen.insert($0).inserted }
                let new = proposed.fields[index]
                if target != field.key { renamed[field.key] = target }
                if field.type != new.type { typeChanges.append(TypeChange(key: target, from: field.type, to: new.type)) }
                if field.archived && !new.archived { restored.append(target) }
                if !field.archived && new.archived { archived.append(target) }
            } else {
                // Dropped: keep it, archived, with its old key.
                var kept = field
                kept.archived = true
                fields.append(kept)
                if !field.archived { archived.append(field.key) }
            }
        }
        let reached = Set(old.fields.map { renames[$0.key] ?? $0.key })
        added = proposed.fields.map(\.key).filter { !reached.contains($0) }
        // A key a field once had stays its own: another field under it would take over the
        // values old versions hold under that key.
        for field in fields {
            if let owner = fields.first(where: { $0.key != field.key && $0.formerKeys.contains(field.key) }) {
                problems.append(FieldError(field: field.key, message: LocalizedMessage(
                    th: "ใช้ชื่อช่อง “\(field.key)” ไม่ได้: เคยเป็นชื่อเดิมของช่อง “\(owner.key)” ซึ่งประวัติเดิมยังใช้อยู่",
                    en: "the key “\(field.key)” cannot be used: it was the former key of “\(owner.key)”, which old versions still use")))
            }
        }
        result = DatasetSchema(fields: fields)
        problems += result.problems()
        self.problems = problems
    }

    /// Whether the change touches nothing that needs the stored values (no type change).
    public var needsNoConversion: Bool { typeChanges.isEmpty }

    /// Stored values moved to the new keys and converted to the new types. Archived fields keep
    /// their values. Throws the first value that cannot be converted.
    public func migrate(_ values: RecordValues) throws(FieldError) -> RecordValues {
        var out: RecordValues = [:]
        for (key, value) in values {
            let target = renamed[key] ?? key
            guard let field = result.field(target) else {
                out[target] = value
                continue
            }
            out[target] = try Self.convert(value, to: field)
        }
        return out
    }

    /// The records whose values cannot take the new types, with why; empty when the change can
    /// go ahead. The app refuses the change and shows this list.
    public func unconvertibleRecords<ID: Hashable & Sendable>(
        _ records: some Sequence<(id: ID, values: RecordValues)>
    ) -> [Blocker<ID>] {
        guard !typeChanges.isEmpty else { return [] }
        let changed = Set(typeChanges.map(\.key))
        var out: [Blocker<ID>] = []
        for record in records {
            for (key, value) in record.values.sorted(by: { $0.key < $1.key }) {
                let target = renamed[key] ?? key
                guard changed.contains(target), let field = result.field(target) else { continue }
                do {
                    _ = try Self.convert(value, to: field)
                } catch {
                    out.append(Blocker(record: record.id, error: error))
                }
            }
        }
        return out
    }

    /// The records that would share a value of a field unique in the new schema (a field made
    /// unique, or a type change that makes two values one), after the first holder of each value.
    /// Give it the records in use (not those in the trash), with their stored values.
    public func duplicateUniqueValues<ID: Hashable & Sendable>(
        _ records: some Sequence<(id: ID, values: RecordValues)>
    ) -> [Blocker<ID>] {
        let unique = result.activeFields.filter(\.unique)
        guard !unique.isEmpty else { return [] }
        var seen: [String: Set<String>] = [:]
        var out: [Blocker<ID>] = []
        for record in records {
            guard let values = try? migrate(record.values) else { continue }   // unconvertible: reported already
            for field in unique {
                guard let v = values[field.key], !v.isNull else { continue }
                if !seen[field.key, default: []].insert(SearchText.compactKey(v.text)).inserted {
                    out.append(Blocker(record: record.id, error: FieldError(field, LocalizedMessage(
                        th: "ค่า \(v.text) ซ้ำกับระเบียนอื่น จึงกำหนดให้ห้ามซ้ำไม่ได้",
                        en: "\(v.text) is also held by another record, so the field cannot be unique"))))
                }
            }
        }
        return out
    }

    /// One value in a field's (possibly new) type: kept if it already fits; date ↔ date-time
    /// through Bangkok midnight; otherwise its text form read by the field's text parser.
    /// Only the type is converted; constraints are not checked.
    public static func convert(_ value: FieldValue, to field: FieldDefinition) throws(FieldError) -> FieldValue {
        if FieldDefinition.fits(value, field.type) {
            switch value {
            case .choice(let c) where field.type == .choice:
                return try field.parse(text: c)
            case .multiChoice(let a) where field.type == .multiChoice:
                return try field.parse(json: .array(a.map(JSONValue.string)))
            default:
                return value
            }
        }
        switch (value, field.type) {
        case (.datetime(let d), .date):
            return .date(BangkokTime.calendarDay(of: d))
        case (.date(let d), .datetime):
            return .datetime(DateTimeText.instant(d, seconds: 0, offset: BangkokTime.utcOffsetSeconds))
        case (.choice(let c), .multiChoice):
            return try field.parse(json: .array([.string(c)]))
        case (.multiChoice(let a), .choice) where a.count == 1:
            return try field.parse(text: a[0])
        default:
            return try field.parse(text: value.text)
        }
    }
}
