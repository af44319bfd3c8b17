import Foundation
import ThaiConventions

// Recovery workbench (กู้คืนข้อมูล): rebuild one register from several partial or old copies.
// The app reads each uploaded file (Tabular), maps its columns to field keys
// (`RecoveryMapping`, one field per meaning across all copies), and hands the rows here; this module matches rows
// across copies, lays out for each recovered record what each copy says, suggests a value, takes
// the user's choices, and gives the final values with the source of every value.

/// One uploaded copy of the register.
public struct RecoverySource: Sendable, Hashable, Codable {
    /// Shown to the user and recorded as each value's source, e.g. `ทะเบียนบ้าน 2564.xlsx`.
    public var name: String
    /// How recent the copy is; the most recent copy's value is suggested by default.
    public var date: CalendarDay
    public var rows: [RecoveryRow]

    public init(name: String, date: CalendarDay, rows: [RecoveryRow]) {
        self.name = name
        self.date = date
        self.rows = rows
    }
}

/// One row of a copy, its columns already mapped to field keys.
public struct RecoveryRow: Sendable, Hashable, Codable {
    /// The row number in the file (header = row 1), for telling the user where a value came from.
    public var number: Int
    /// Cell texts keyed by field key; unmapped columns are left out.
    public var values: [String: String]

    public init(number: Int, values: [String: String]) {
        self.number = number
        self.values = values
    }
}

/// How rows are recognised as the same record. Give several in priority order: a row joins a
/// record by the first key that finds one, unless a higher-priority key of both disagrees
/// (two different national IDs are never merged because the names match).
public enum RecoveryKey: Sendable, Hashable, Codable {
    /// A national ID field; its 13 digits (Thai digits, dashes and spaces ignored).
    case nationalID(field: String)
    /// House number plus village: spacing, case and digit script ignored; `หมู่ที่ 3`, `ม.๓`,
    /// `หมู่ 03` and `3` are the same village.
    case houseAndVillage(house: String, village: String)
    /// A person's name, from one field or several joined by a space (first name, last name);
    /// matched by `ThaiNameNormalizer` (titles such as นาย/นาง/นางสาว stripped, digits, spacing).
    case name(fields: [String])

    /// The match key of a row, or nil when the row lacks the fields.
    public func key(of row: [String: String]) -> String? {
        switch self {
        case .nationalID(let field):
            let digits = ThaiDigits.toASCII(row[field] ?? "").filter { $0.isASCII && $0.isNumber }
            return digits.count == 13 ? digits : nil
        case .houseAndVillage(let house, let village):
            let h = SearchText.compactKey(row[house] ?? "")
            let v = Self.villageKey(row[village] ?? "")
            return h.isEmpty || v.isEmpty ? nil : h + "|" + v
        case .name(let fields):
            let n = ThaiNameNormalizer.normalize(fields.compactMap { row[$0] }.joined(separator: " "))
            return n.isEmpty ? nil : n
        }
    }

    static func villageKey(_ text: String) -> String {
        var v = SearchText.compactKey(text)
        for prefix in ["หมู่ที่", "หมู่บ้าน", "หมู่", "ม.", "moo.", "moo", "village", "no."] where v.hasPrefix(prefix) {
            v = String(v.dropFirst(prefix.count))
            break
        }
        if !v.isEmpty, v.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(v) { return String(n) }
        return v
    }

    /// The fields the key reads.
    public var fields: [String] {
        switch self {
        case .nationalID(let f): [f]
        case .houseAndVillage(let h, let v): [h, v]
        case .name(let fs): fs
        }
    }
}

/// Where a recovered value came from.
public enum RecoveryOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A copy's row: the copy's name and the row number in its file.
    case row(source: String, row: Int)
    /// Typed by the user in the workbench.
    case manual

    /// Thai, as written into the recovered register: `ทะเบียน 2566 แถว 3`, `กรอกเอง`.
    public var description: String { message.th }

    /// `ทะเบียน 2566 แถว 3` / `ทะเบียน 2566 row 3`; `กรอกเอง` / `typed by hand`.
    public var message: LocalizedMessage {
        switch self {
        case let .row(source, row): LocalizedMessage(th: "\(source) แถว \(row)", en: "\(source) row \(row)")
        case .manual: LocalizedMessage(th: "กรอกเอง", en: "typed by hand")
        }
    }

    /// The copy's name, nil for a typed value.
    public var source: String? {
        if case .row(let s, _) = self { s } else { nil }
    }
}

/// One copy's value for one field of a recovered record.
public struct RecoveryCandidate: Sendable, Hashable, Codable {
    /// The text as the copy gives it (trimmed).
    public var value: String
    /// The text that would be written: `RecoveryWorkbench.normalized(_:as:)` of `value`
    /// (spacing collapsed, Thai digits in texts made Arabic, typed values in their canonical form).
    public var normalized: String
    public var origin: RecoveryOrigin
    /// The copy's date (nil for a manual value).
    public var date: CalendarDay?

    public init(value: String, normalized: String? = nil, origin: RecoveryOrigin, date: CalendarDay?) {
        self.value = value
        self.normalized = normalized ?? value
        self.origin = origin
        self.date = date
    }
}

/// One field of a recovered record: what each copy says and what will be written.
public struct RecoveredField: Sendable, Hashable, Codable {
    public var key: String
    /// Non-empty values, most recent copy first (ties: the order the copies were given).
    public var candidates: [RecoveryCandidate]
    /// Whether the copies give different values (compared after parsing with the field's type
    /// when a schema is given, else after `SearchText.normalize`; names ignoring titles).
    public var disagree: Bool
    /// Whether the copies write it differently even where they mean the same: `นาง` and
    /// `นางสาว` before the same name, `หมู่ 3` and `3` (compared as they would be written, so
    /// spacing and Thai digits are not a difference). Implied by `disagree`.
    public var differs: Bool
    /// The default: the most recent copy's non-empty value.
    public var suggested: RecoveryCandidate?
    /// The user's choice, if any (nil: take the suggestion).
    public internal(set) var choice: RecoveryChoice?
    /// What will be written: the chosen copy's value, the typed value, nothing (`.empty`), or
    /// without a choice the suggestion.
    public internal(set) var final: RecoveryCandidate?

    /// The value the copy named `source` gives, nil when its row leaves the field empty or the
    /// record has no row of that copy.
    public func candidate(from source: String) -> RecoveryCandidate? {
        candidates.first { $0.origin.source == source }
    }
}

/// A record rebuilt from one or more rows (at most one per copy).
public struct RecoveredRecord: Sendable, Hashable, Codable, Identifiable {
    /// Position in `RecoveryWorkbench.records`.
    public var id: Int
    /// The rows it was built from, in the order the copies were given.
    public var rows: [RecoveryOrigin]
    /// The keys that joined its rows (empty when it is a single row).
    public var matchedBy: [RecoveryKey]
    /// Every field any of its rows fills, in schema order (else alphabetical).
    public var fields: [RecoveredField]

    public func field(_ key: String) -> RecoveredField? { fields.first { $0.key == key } }

    /// Whether any field's copies disagree.
    public var hasConflicts: Bool { fields.contains(where: \.disagree) }

    /// Whether any field's copies write it differently (see `RecoveredField.differs`).
    public var hasDifferences: Bool { fields.contains(where: \.differs) }

    /// The row of the copy named `source` that the record was built from, if any.
    public func row(from source: String) -> Int? {
        for case let .row(s, r) in rows where s == source { return r }
        return nil
    }

    /// The values to write, as normalised texts (read them with the schema's text parser).
    public var values: [String: String] {
        fields.reduce(into: [:]) { acc, f in if let v = f.final { acc[f.key] = v.normalized } }
    }

    /// The source of every value in `values`.
    public var origins: [String: RecoveryOrigin] {
        fields.reduce(into: [:]) { acc, f in if let v = f.final { acc[f.key] = v.origin } }
    }
}

/// Rows of one copy that share a match key: reported, never merged into one record.
public struct RecoveryDuplicate: Sendable, Hashable, Codable {
    public var source: String
    /// Row numbers in that copy.
    public var rows: [Int]
    public var key: RecoveryKey
    /// The normalised key value they share.
    public var value: String
}

/// The user's decision for one field of one record.
public enum RecoveryChoice: Sendable, Hashable, Codable {
    /// Take the value of the copy with this name.
    case source(String)
    /// A value typed by the user (recorded as `.manual`).
    case value(String)
    /// Leave the field empty.
    case empty
}

public enum RecoveryError: BilingualError, Equatable {
    case noSuchRecord(Int)
    case noSuchField(record: Int, field: String)
    case sourceHasNoValue(record: Int, field: String, source: String)

    public var message: LocalizedMessage {
        switch self {
        case .noSuchRecord(let id):
            LocalizedMessage(th: "ไม่มีระเบียนที่กู้คืนหมายเลข \(id)", en: "There is no recovered record \(id).")
        case let .noSuchField(id, field):
            LocalizedMessage(th: "ระเบียน \(id) ไม่มีช่อง “\(field)”", en: "Record \(id) has no field “\(field)”.")
        case let .sourceHasNoValue(id, field, source):
            LocalizedMessage(th: "ไฟล์ “\(source)” ไม่มีค่าของช่อง “\(field)” ในระเบียน \(id)",
                             en: "The copy “\(source)” has no value for “\(field)” in record \(id).")
        }
    }
}

/// Matches rows of several copies into records and resolves their values.
///
/// Rows are taken copy by copy, in the order given, each row joining the first record that
/// one of its keys finds (see `RecoveryKey`) and that has no row of the same copy yet. Rows that
/// match nothing become records of their own: no row is ever dropped. Rows of one copy that
/// share a key are listed in `duplicates` and kept as separate records.
public struct RecoveryWorkbench: Sendable, Hashable {
    public let sources: [RecoverySource]
    public let keys: [RecoveryKey]
    public let schema: DatasetSchema?
    public private(set) var records: [RecoveredRecord] = []
    public private(set) var duplicates: [RecoveryDuplicate] = []

    /// - Parameter schema: when given, values are compared after parsing with their field's type
    ///   (so `๑๒` equals `12` and `15/03/2566` equals `2023-03-15`), fields are in schema order,
    ///   and `validatedRecords()` can read the final values.
    public init(sources: [RecoverySource], keys: [RecoveryKey], schema: DatasetSchema? = nil) {
        self.sources = sources
        self.keys = keys
        self.schema = schema
        findDuplicates()
        match()
    }

    private mutating func findDuplicates() {
        for source in sources {
            for key in keys {
                var groups: [String: [Int]] = [:]
                var order: [String] = []
                for row in source.rows {
                    guard let k = key.key(of: row.values) else { continue }
                    if groups[k] == nil { order.append(k) }
                    groups[k, default: []].append(row.number)
                }
                // The same rows sharing several keys are reported once, under the first key.
                for k in order where groups[k]!.count > 1
                    && !duplicates.contains(where: { $0.source == source.name && $0.rows == groups[k]! }) {
                    duplicates.append(RecoveryDuplicate(source: source.name, rows: groups[k]!, key: key, value: k))
                }
            }
        }
    }

    private struct Cluster {
        var members: [(source: Int, row: RecoveryRow)] = []
        var keys: [Set<String>]
        var matchedBy: [RecoveryKey] = []
    }

    private mutating func match() {
        var clusters: [Cluster] = []
        var index: [[String: [Int]]] = Array(repeating: [:], count: keys.count)
        for (s, source) in sources.enumerated() {
            for row in source.rows {
                let rowKeys = keys.map { $0.key(of: row.values) }
                var joined: Int?
                search: for (k, key) in rowKeys.enumerated() {
                    guard let key else { continue }
                    for c in index[k][key] ?? [] {
                        let cluster = clusters[c]
                        if cluster.members.contains(where: { $0.source == s }) { continue }
                        let conflict = (0..<k).contains { t in
                            guard let mine = rowKeys[t], !cluster.keys[t].isEmpty else { return false }
                            return !cluster.keys[t].contains(mine)
                        }
                        if conflict { continue }
                        joined = c
                        if !clusters[c].matchedBy.contains(keys[k]) { clusters[c].matchedBy.append(keys[k]) }
                        break search
                    }
                }
                let c = joined ?? clusters.count
                if joined == nil { clusters.append(Cluster(keys: Array(repeating: [], count: keys.count))) }
                clusters[c].members.append((s, row))
                for (k, key) in rowKeys.enumerated() {
                    guard let key else { continue }
                    if clusters[c].keys[k].insert(key).inserted { index[k][key, default: []].append(c) }
                }
            }
        }
        records = clusters.enumerated().map { id, cluster in makeRecord(id: id, cluster: cluster) }
    }

    private func makeRecord(id: Int, cluster: Cluster) -> RecoveredRecord {
        var keysSeen: Set<String> = []
        for m in cluster.members { keysSeen.formUnion(m.row.values.keys) }
        let ordered: [String]
        if let schema {
            let schemaKeys = schema.fields.map(\.key).filter(keysSeen.contains)
            ordered = schemaKeys + keysSeen.subtracting(schemaKeys).sorted()
        } else {
            ordered = keysSeen.sorted()
        }
        // Most recent copy first; ties keep the given order.
        let byRecency = cluster.members.sorted { a, b in
            let (da, db) = (sources[a.source].date, sources[b.source].date)
            return da != db ? da > db : a.source < b.source
        }
        let fields = ordered.map { key -> RecoveredField in
            let definition = schema?.field(key)
            let candidates = byRecency.compactMap { m -> RecoveryCandidate? in
                let text = FieldParsing.trim(m.row.values[key] ?? "")
                guard !text.isEmpty else { return nil }
                return RecoveryCandidate(value: text, normalized: Self.normalized(text, as: definition),
                                         origin: .row(source: sources[m.source].name, row: m.row.number),
                                         date: sources[m.source].date)
            }
            let distinct = Set(candidates.map { comparisonKey($0.value, field: key) })
            let written = Set(candidates.map(\.normalized))
            return RecoveredField(key: key, candidates: candidates, disagree: distinct.count > 1,
                                  differs: distinct.count > 1 || written.count > 1,
                                  suggested: candidates.first, choice: nil, final: candidates.first)
        }
        return RecoveredRecord(
            id: id,
            rows: cluster.members.map { .row(source: sources[$0.source].name, row: $0.row.number) },
            matchedBy: cluster.matchedBy, fields: fields)
    }

    /// Values that mean the same compare equal: names without titles, villages without
    /// `หมู่ที่`, typed values after parsing (`๑๒` = `12`), texts after `SearchText.normalize`.
    private func comparisonKey(_ text: String, field key: String) -> String {
        for k in keys {
            switch k {
            case .name(let fs) where fs == [key]: return "name:" + ThaiNameNormalizer.normalize(text)
            case .houseAndVillage(_, let v) where v == key: return "village:" + RecoveryKey.villageKey(text)
            case .houseAndVillage(let h, _) where h == key: return "house:" + SearchText.compactKey(text)
            default: continue
            }
        }
        if let field = schema?.field(key), field.type != .text, field.type != .longText,
           let value = try? field.parse(text: text) {
            return "value:" + value.json.jsonText
        }
        return "text:" + SearchText.normalize(text)
    }

    /// Records the user's choice for one field of one record.
    public mutating func choose(record id: Int, field key: String, _ choice: RecoveryChoice) throws(RecoveryError) {
        guard records.indices.contains(id) else { throw .noSuchRecord(id) }
        guard let f = records[id].fields.firstIndex(where: { $0.key == key }) else {
            throw .noSuchField(record: id, field: key)
        }
        let field = records[id].fields[f]
        let final: RecoveryCandidate?
        switch choice {
        case .source(let name):
            guard let c = field.candidate(from: name) else { throw .sourceHasNoValue(record: id, field: key, source: name) }
            final = c
        case .value(let text):
            let trimmed = FieldParsing.trim(text)
            final = trimmed.isEmpty ? nil : RecoveryCandidate(value: trimmed, normalized: Self.normalized(trimmed, as: schema?.field(key)),
                                                              origin: .manual, date: nil)
        case .empty:
            final = nil
        }
        records[id].fields[f].choice = choice
        records[id].fields[f].final = final
    }

    /// Applies many choices: record id → field key → choice. Stops at the first invalid one.
    public mutating func apply(_ choices: [Int: [String: RecoveryChoice]]) throws(RecoveryError) {
        for (id, fields) in choices.sorted(by: { $0.key < $1.key }) {
            for (key, choice) in fields.sorted(by: { $0.key < $1.key }) {
                try choose(record: id, field: key, choice)
            }
        }
    }

    /// The text to write for `text` in `field`, following the platform's type rules: a typed
    /// field's value in its canonical form (`๐๘๑-๒๓๔-๕๖๗๘` → `0812345678`, `๕` → `5`,
    /// `15/03/2566` → `2023-03-15`, IDs as 13 digits); a short text with invisible characters
    /// removed, runs of spaces made one and Thai digits made Arabic (`หมู่  ๓` → `หมู่ 3`), as
    /// typed fields store them; a long text only trimmed, its lines' spacing collapsed. A value
    /// the type cannot read is kept as it is (trimmed), for the caller to report.
    public static func normalized(_ text: String, as field: FieldDefinition?) -> String {
        let trimmed = FieldParsing.trim(text)
        switch field?.type {
        case nil, .text?:
            return collapseSpaces(ThaiDigits.toASCII(trimmed))
        case .longText?:
            return trimmed.split(separator: "\n", omittingEmptySubsequences: false)
                .map { collapseSpaces(String($0)) }.joined(separator: "\n")
        case .some:
            guard let field, let value = try? field.parse(text: trimmed), !value.isNull else { return trimmed }
            return value.text
        }
    }

    /// Invisible characters removed, each run of spaces (and tabs, no-break spaces) made one
    /// space, trimmed.
    static func collapseSpaces(_ text: String) -> String {
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            !["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}"].contains($0)
        }))
        return visible.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Every record as it will be written, with the schema given at init (without one, an empty
    /// list): the typed values; a final value the field cannot take (a phone of 7 digits, a
    /// national ID whose check digit is wrong) is set aside, not written in the field, and named
    /// in the record's source note with its source and why, so nothing is lost; what still
    /// stops the record (a required field left empty) is in `errors`.
    public func outputs() -> [RecoveryOutput] {
        guard let schema else { return [] }
        let known = Set(schema.activeFields.map(\.key))
        return records.map { r in
            var texts = r.values.filter { known.contains($0.key) }
            var origins = r.origins.filter { known.contains($0.key) }
            var setAside: [RecoveryOutput.SetAside] = []
            var validation = schema.validate(.text(texts))
            let bad = Set(validation.errors.map(\.field)).filter { texts[$0] != nil }
            if !bad.isEmpty {
                for f in r.fields where bad.contains(f.key) {
                    guard let final = f.final, let error = validation.errors.first(where: { $0.field == f.key }) else { continue }
                    setAside.append(.init(field: f.key, text: final.value, origin: final.origin, reason: error.message))
                    texts[f.key] = nil
                    origins[f.key] = nil
                }
                validation = schema.validate(.text(texts))
            }
            return RecoveryOutput(record: r.id, values: validation.values, origins: origins, setAside: setAside,
                                  errors: validation.errors, note: note(origins: origins, setAside: setAside))
        }
    }

    /// The source note of a record, Thai first: each copy's row with the fields it gave, in the
    /// order the copies were given, then the values set aside:
    /// `ทะเบียน 2566 แถว 3: เลขประจำตัวประชาชน, ชื่อ-สกุล; ทะเบียน 2565 แถว 2: โทรศัพท์;
    /// ค่าที่ใช้ไม่ได้: โทรศัพท์ “12345” (ทะเบียน 2564 แถว 4)`.
    func note(origins: [String: RecoveryOrigin], setAside: [RecoveryOutput.SetAside]) -> String {
        func label(_ key: String) -> String { schema?.field(key)?.displayLabel.th ?? key }
        let order = (schema?.fields.map(\.key) ?? []) + origins.keys.sorted()
        var groups: [(origin: RecoveryOrigin, fields: [String])] = []
        for key in order where origins[key] != nil && !groups.contains(where: { $0.fields.contains(key) }) {
            let origin = origins[key]!
            if let i = groups.firstIndex(where: { $0.origin == origin }) { groups[i].fields.append(key) }
            else { groups.append((origin, [key])) }
        }
        let rank: (RecoveryOrigin) -> Int = { o in sources.firstIndex { $0.name == o.source } ?? sources.count }
        groups = groups.enumerated().sorted { (rank($0.element.origin), $0.offset) < (rank($1.element.origin), $1.offset) }.map(\.element)
        var parts = groups.map { "\($0.origin.message.th): \($0.fields.map(label).joined(separator: ", "))" }
        if !setAside.isEmpty {
            parts.append("ค่าที่ใช้ไม่ได้: " + setAside.map { "\(label($0.field)) “\($0.text)” (\($0.origin.message.th))" }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }

    /// Every record's final values read with the schema (`DatasetSchema.validate(.text(...))`,
    /// defaults applied) and the source of each value. Needs the schema given at init; without
    /// it, returns an empty list. Records with errors need a choice or a typed value first.
    public func validatedRecords() -> [(record: Int, validation: RecordValidation, origins: [String: RecoveryOrigin])] {
        guard let schema else { return [] }
        let known = Set(schema.activeFields.map(\.key))
        return records.map { r in
            let texts = r.values.filter { known.contains($0.key) }
            return (r.id, schema.validate(.text(texts)), r.origins.filter { known.contains($0.key) })
        }
    }
}

/// One recovered record as it will be written (`RecoveryWorkbench.outputs()`).
public struct RecoveryOutput: Sendable, Hashable {
    /// A final value its field cannot take: left out of the field, kept in the note.
    public struct SetAside: Sendable, Hashable, Codable {
        public var field: String
        public var text: String
        public var origin: RecoveryOrigin
        public var reason: LocalizedMessage
    }

    public var record: Int
    /// The typed values, defaults applied.
    public var values: RecordValues
    /// The source of every value in `values`.
    public var origins: [String: RecoveryOrigin]
    public var setAside: [SetAside]
    /// What stops the record from being written (a required field left empty); empty if none.
    public var errors: [FieldError]
    /// The source note, Thai first (see `RecoveryWorkbench.note`).
    public var note: String
}
