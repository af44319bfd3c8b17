import Foundation
import ThaiConventions

// Mapping the columns of several copies of one register onto one set of fields, for the recovery
// workbench: `เลขบัตร` in one copy, `เลขประจำตัวประชาชน` in another and `national_id` in a third
// are one field. Columns are recognised by their header (a Thai/English synonym table of common
// register columns) and by their content (national IDs, phone numbers); the rest are matched by
// header name across copies.

/// What a common register column means.
public enum RecoveryFieldKind: String, Sendable, Hashable, Codable, CaseIterable {
    case nationalID = "national_id"
    /// คำนำหน้า, first and last name: parts of the name, joined into the `name` field.
    case title, firstName = "first_name", lastName = "last_name"
    case name
    case houseNumber = "house_no"
    case village
    case soi, road, subdistrict, district, province, postcode
    case phone, email
    case birthDate = "birth_date"
    case age, gender, note

    /// The kind of the field a column of this kind fills: name parts fill the name.
    public var target: RecoveryFieldKind {
        switch self {
        case .title, .firstName, .lastName: .name
        default: self
        }
    }

    /// The label of the field, Thai and English.
    public var label: LocalizedMessage {
        switch self {
        case .nationalID: LocalizedMessage(th: "เลขประจำตัวประชาชน", en: "National ID")
        case .title: LocalizedMessage(th: "คำนำหน้า", en: "Title")
        case .firstName: LocalizedMessage(th: "ชื่อ", en: "First name")
        case .lastName: LocalizedMessage(th: "นามสกุล", en: "Last name")
        case .name: LocalizedMessage(th: "ชื่อ-สกุล", en: "Name")
        case .houseNumber: LocalizedMessage(th: "บ้านเลขที่", en: "House no.")
        case .village: LocalizedMessage(th: "หมู่ที่", en: "Village (moo)")
        case .soi: LocalizedMessage(th: "ซอย", en: "Soi")
        case .road: LocalizedMessage(th: "ถนน", en: "Road")
        case .subdistrict: LocalizedMessage(th: "ตำบล", en: "Subdistrict")
        case .district: LocalizedMessage(th: "อำเภอ", en: "District")
        case .province: LocalizedMessage(th: "จังหวัด", en: "Province")
        case .postcode: LocalizedMessage(th: "รหัสไปรษณีย์", en: "Postcode")
        case .phone: LocalizedMessage(th: "โทรศัพท์", en: "Phone")
        case .email: LocalizedMessage(th: "อีเมล", en: "Email")
        case .birthDate: LocalizedMessage(th: "วันเกิด", en: "Date of birth")
        case .age: LocalizedMessage(th: "อายุ", en: "Age")
        case .gender: LocalizedMessage(th: "เพศ", en: "Gender")
        case .note: LocalizedMessage(th: "หมายเหตุ", en: "Note")
        }
    }

    /// Header names that mean this kind, compared after `ColumnNames.key` (case, spaces,
    /// `_ - . : / ( )` and digit script ignored).
    public var synonyms: [String] {
        switch self {
        case .nationalID:
            ["เลขบัตร", "เลขบัตรประชาชน", "เลขประจำตัวประชาชน", "เลขประจำตัว", "บัตรประชาชน", "เลขบัตรประจำตัวประชาชน",
             "เลข 13 หลัก", "เลขประชาชน", "national_id", "national id", "citizen_id", "citizen id", "id_card", "id card",
             "id_card_no", "pid", "cid", "thai_id"]
        case .title: ["คำนำหน้า", "คำนำหน้าชื่อ", "คำนำหน้านาม", "title", "prefix"]
        case .firstName: ["ชื่อจริง", "ชื่อตัว", "first_name", "firstname", "first name", "given_name", "given name"]
        case .lastName: ["นามสกุล", "สกุล", "last_name", "lastname", "last name", "surname", "family_name", "family name"]
        case .name:
            ["ชื่อ", "ชื่อ-สกุล", "ชื่อ-นามสกุล", "ชื่อสกุล", "ชื่อ นามสกุล", "ชื่อและนามสกุล", "name", "full_name", "full name",
             "fullname", "name_surname"]
        case .houseNumber:
            ["บ้านเลขที่", "เลขที่บ้าน", "เลขที่", "ที่อยู่เลขที่", "house_no", "house no", "house_number", "house number",
             "houseno", "address_no", "address no", "addr_no"]
        case .village: ["หมู่", "หมู่ที่", "หมู่บ้าน", "ม.", "moo", "village", "village_no", "village no", "moo_no"]
        case .soi: ["ซอย", "ซ.", "soi", "lane"]
        case .road: ["ถนน", "ถ.", "road", "street"]
        case .subdistrict: ["ตำบล", "ต.", "แขวง", "tambon", "subdistrict", "sub_district", "sub-district"]
        case .district: ["อำเภอ", "อ.", "เขต", "amphoe", "amphur", "district"]
        case .province: ["จังหวัด", "จ.", "province", "changwat"]
        case .postcode: ["รหัสไปรษณีย์", "ไปรษณีย์", "postcode", "post_code", "postal_code", "zip", "zipcode"]
        case .phone:
            ["โทร", "โทร.", "โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "เบอร์", "มือถือ", "เบอร์มือถือ", "หมายเลขโทรศัพท์",
             "phone", "phone_no", "phone no", "phone number", "tel", "tel.", "telephone", "mobile", "mobile_no"]
        case .email: ["อีเมล", "อีเมล์", "email", "e-mail", "mail"]
        case .birthDate:
            ["วันเกิด", "วันเดือนปีเกิด", "วัน/เดือน/ปีเกิด", "วดป.เกิด", "ว/ด/ป เกิด", "birth_date", "birthdate", "birthday",
             "date_of_birth", "date of birth", "dob"]
        case .age: ["อายุ", "อายุ (ปี)", "age"]
        case .gender: ["เพศ", "gender", "sex"]
        case .note: ["หมายเหตุ", "note", "notes", "remark", "remarks", "comment"]
        }
    }

    /// The header → kind table.
    static let byHeader: [String: RecoveryFieldKind] = {
        var table: [String: RecoveryFieldKind] = [:]
        for kind in allCases {
            for s in kind.synonyms { table[ColumnNames.key(s)] = table[ColumnNames.key(s)] ?? kind }
            table[ColumnNames.key(kind.rawValue)] = table[ColumnNames.key(kind.rawValue)] ?? kind
        }
        return table
    }()

    /// The kind a header names, or nil.
    public static func of(header: String) -> RecoveryFieldKind? {
        let key = ColumnNames.key(header)
        return key.isEmpty ? nil : byHeader[key]
    }

    /// The kind a column's values show: mostly (4 in 5) valid national IDs, or mostly Thai phone
    /// numbers. Nil for anything else or no values.
    public static func of(values: [String]) -> RecoveryFieldKind? {
        let texts = values.map(FieldParsing.trim).filter { !$0.isEmpty }
        guard !texts.isEmpty else { return nil }
        if RecoveryMapping.most(texts, ThaiNationalID.isValid) { return .nationalID }
        if RecoveryMapping.most(texts, RecoveryMapping.looksLikePhone) { return .phone }
        return nil
    }
}

/// One copy as the column mapping sees it: its name, header and data rows.
public struct RecoveryTable: Sendable, Hashable {
    public var name: String
    public var header: [String]
    /// Data rows: the row number in the file (header = row 1) and the cells.
    public var rows: [RecoveryTableRow]

    public init(name: String, header: [String], rows: [RecoveryTableRow]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    /// The non-empty cells of column `c`.
    public func values(_ c: Int) -> [String] {
        rows.compactMap { c < $0.cells.count ? $0.cells[c] : nil }.filter { !FieldParsing.trim($0).isEmpty }
    }

    /// The rows keyed by field key, from a column → field mapping (nil: the column is ignored).
    /// Several columns mapped to one field are joined with a space in column order, so
    /// คำนำหน้า + ชื่อ + นามสกุล fill one name.
    public func recoveryRows(mapping: [String?]) -> [RecoveryRow] {
        rows.map { row in
            var values: [String: String] = [:]
            for (c, key) in mapping.enumerated() {
                guard let key, c < row.cells.count else { continue }
                let cell = FieldParsing.trim(row.cells[c])
                guard !cell.isEmpty else { continue }
                values[key] = values[key].map { $0 + " " + cell } ?? cell
            }
            return RecoveryRow(number: row.number, values: values)
        }
    }
}

public struct RecoveryTableRow: Sendable, Hashable {
    public var number: Int
    public var cells: [String]

    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}

/// A field the recovered register will have, as suggested.
public struct RecoveryTargetField: Sendable, Hashable, Codable {
    public var key: String
    public var label: LocalizedMessage
    public var type: FieldType
    /// What the field means, when it is a common register column.
    public var kind: RecoveryFieldKind?

    public init(key: String, label: LocalizedMessage, type: FieldType, kind: RecoveryFieldKind? = nil) {
        self.key = key
        self.label = label
        self.type = type
        self.kind = kind
    }

    public var definition: FieldDefinition { FieldDefinition(key: key, type: type, label: label) }
}

/// The suggested mapping of every copy's columns onto one set of fields, and the match keys.
public struct RecoveryMappingSuggestion: Sendable, Hashable {
    public var fields: [RecoveryTargetField]
    /// `columns[copy][column]`: the index in `fields` the column fills, nil to ignore it.
    public var columns: [[Int?]]
    /// Match keys in priority order (see `RecoveryMapping.suggestKeys`).
    public var keys: [RecoveryKey]

    /// `columns` as field keys, for `RecoveryTable.recoveryRows(mapping:)`.
    public func mapping(_ copy: Int) -> [String?] {
        columns[copy].map { $0.map { fields[$0].key } }
    }
}

public enum RecoveryMapping {
    /// At least 4 in 5 of `values` pass.
    static func most(_ values: [String], _ ok: (String) -> Bool) -> Bool {
        !values.isEmpty && values.filter(ok).count * 5 >= values.count * 4
    }

    /// At least half of `values` pass.
    static func half(_ values: [String], _ ok: (String) -> Bool) -> Bool {
        !values.isEmpty && values.filter(ok).count * 2 >= values.count
    }

    /// Every value passes.
    static func all(_ values: [String], _ ok: (String) -> Bool) -> Bool {
        !values.isEmpty && values.allSatisfy(ok)
    }

    /// A Thai phone number: `0` and 8 or 9 more digits, or `+66`; separators and Thai digits allowed.
    static func looksLikePhone(_ text: String) -> Bool {
        (try? FieldParsing.phone(text)) != nil
    }

    /// Suggests one field per meaning across all copies.
    ///
    /// A column's meaning comes from its header (`RecoveryFieldKind.of(header:)`), else from its
    /// values (national IDs, phones); a column of valid national IDs is the national ID whatever
    /// its header says. Columns of one meaning share a field in every copy: the first column of
    /// that meaning in a copy fills the field, a second one in the same copy its own field
    /// (`phone_2`). Name parts (คำนำหน้า, ชื่อ with นามสกุล) fill the name together. Other
    /// columns share a field when their headers are the same name (case, spaces, punctuation and
    /// digit script ignored). Each field's type is suggested from all the values that fill it,
    /// and the keys by `suggestKeys`.
    public static func suggest(_ tables: [RecoveryTable]) -> RecoveryMappingSuggestion {
        enum Slot: Hashable { case kind(RecoveryFieldKind, Int), header(String), blank(Int, Int) }
        var slots: [Slot] = []
        var labels: [LocalizedMessage] = []
        var columns: [[Int?]] = []
        for (t, table) in tables.enumerated() {
            var seen: [RecoveryFieldKind: Int] = [:]
            var row: [Int?] = []
            for (c, header) in table.header.enumerated() {
                let values = table.values(c)
                var kind = RecoveryFieldKind.of(header: header)
                let byContent = RecoveryFieldKind.of(values: values)
                if byContent == .nationalID || (kind == nil && byContent != nil) { kind = byContent }
                let slot: Slot
                let label: LocalizedMessage
                if let kind {
                    let target = kind.target
                    // Name parts count by their own kind: ชื่อ + นามสกุล share name #1.
                    let n = (seen[kind] ?? 0) + 1
                    seen[kind] = n
                    slot = .kind(target, n)
                    label = n == 1 ? target.label : LocalizedMessage(th: "\(header) (\(target.label.th) \(n))", en: "\(header) (\(target.label.en) \(n))")
                } else {
                    let key = ColumnNames.key(header)
                    if key.isEmpty {
                        if values.isEmpty { row.append(nil); continue }   // no header, no values: nothing to keep
                        slot = .blank(t, c)
                        label = LocalizedMessage(th: "คอลัมน์ \(c + 1) ของ \(table.name)", en: "Column \(c + 1) of \(table.name)")
                    } else {
                        slot = .header(key)
                        label = LocalizedMessage(th: FieldParsing.trim(header), en: FieldParsing.trim(header))
                    }
                }
                if let j = slots.firstIndex(of: slot) {
                    row.append(j)
                } else {
                    slots.append(slot)
                    labels.append(label)
                    row.append(slots.count - 1)
                }
            }
            columns.append(row)
        }

        // Keys and types, from the values each field gets.
        var used: Set<String> = []
        var fields: [RecoveryTargetField] = []
        for (j, slot) in slots.enumerated() {
            var values: [String] = []
            for (t, table) in tables.enumerated() {
                for (c, f) in columns[t].enumerated() where f == j { values += table.values(c).prefix(2000) }
            }
            var kind: RecoveryFieldKind?
            var key: String
            switch slot {
            case .kind(let k, let n):
                kind = k
                key = n == 1 ? k.rawValue : "\(k.rawValue)_\(n)"
            case .header:
                key = asciiKey(labels[j].th)
            case .blank(_, let c):
                key = "column_\(c + 1)"
            }
            if key.isEmpty || used.contains(key) || !DatasetSchema.isValidKey(key) {
                var n = j + 1
                while used.contains("field_\(n)") { n += 1 }
                key = "field_\(n)"
            }
            used.insert(key)
            // Name parts are joined before they are read.
            let type: FieldType = kind == .name ? .text : suggestType(kind: kind, values: values)
            fields.append(RecoveryTargetField(key: key, label: labels[j], type: type, kind: kind))
        }
        let sources = tables.enumerated().map { t, table in
            RecoverySource(name: table.name, date: CalendarDay(daysSince1970: 0)!,
                           rows: table.recoveryRows(mapping: columns[t].map { $0.map { fields[$0].key } }))
        }
        let keys = suggestKeys(
            nationalID: fields.first { $0.kind == .nationalID }?.key,
            house: fields.first { $0.kind == .houseNumber }?.key,
            village: fields.first { $0.kind == .village }?.key,
            name: fields.first { $0.kind == .name }?.key,
            sources: sources)
        return RecoveryMappingSuggestion(fields: fields, columns: columns, keys: keys)
    }

    /// A field key from an English header (`Remark no.` → `remark_no`); empty for a Thai one.
    static func asciiKey(_ header: String) -> String {
        var out = ""
        for c in header.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) }
            else if c.isASCII, !out.isEmpty, out.last != "_" { out.append("_") }
            else if !c.isASCII { return "" }
        }
        while out.last == "_" { out.removeLast() }
        return String(out.prefix(40))
    }

    /// The type for a field of `kind` filled with `values`: national ID, phone, email, date and
    /// age when at least half the values read so (the kind already says what the column holds;
    /// the values that do not read are kept aside when written, never lost); texts for names,
    /// addresses and house numbers (`12/3`); for other columns an ID or phone when 4 in 5
    /// values read so, a number or date only when every value does.
    public static func suggestType(kind: RecoveryFieldKind?, values: [String]) -> FieldType {
        let texts = values.map(FieldParsing.trim).filter { !$0.isEmpty }
        func reads(_ type: FieldType) -> (String) -> Bool {
            let field = FieldDefinition(key: "probe", type: type)
            return { (try? field.parse(text: $0)) != nil }
        }
        switch kind {
        case .nationalID?: return half(texts, ThaiNationalID.isValid) ? .thaiID : .text
        case .phone?: return half(texts, looksLikePhone) ? .phone : .text
        case .email?: return half(texts, reads(.email)) ? .email : .text
        case .birthDate?: return half(texts, reads(.date)) ? .date : .text
        case .age?: return half(texts, reads(.integer)) ? .integer : .text
        case .some: return .text
        case nil:
            guard !texts.isEmpty else { return .text }
            if most(texts, ThaiNationalID.isValid) { return .thaiID }
            if most(texts, looksLikePhone) { return .phone }
            // A leading 0 is a code (postcode, house number), not a number.
            if all(texts, { reads(.integer)($0) && !ThaiDigits.toASCII($0).hasPrefix("0") }) { return .integer }
            if all(texts, { reads(.decimal)($0) && !ThaiDigits.toASCII($0).hasPrefix("0") && !$0.contains(" ") }) { return .decimal }
            if all(texts, { reads(.date)($0) && !$0.allSatisfy(\.isNumber) }) { return .date }
            return .text
        }
    }

    /// Match keys in priority order: the national ID when there is one, else house number and
    /// village, else the name; then the name (or, without a name, house and village) for rows
    /// that lack the first key. House and village are used only if they are (nearly) unique
    /// within each copy, as in a household register: in a register of people several share a
    /// house, and matching by house would merge them. Empty when nothing can match rows.
    public static func suggestKeys(nationalID: String?, house: String?, village: String?, name: String?,
                                   sources: [RecoverySource]) -> [RecoveryKey] {
        var hv: RecoveryKey?
        if let house, let village {
            let key = RecoveryKey.houseAndVillage(house: house, village: village)
            let unique = sources.allSatisfy { source in
                let keys = source.rows.compactMap { key.key(of: $0.values) }
                return Set(keys).count * 10 >= keys.count * 9
            }
            if unique { hv = key } else if nationalID == nil && name == nil { return [key] }
        }
        let nameKey = name.map { RecoveryKey.name(fields: [$0]) }
        var keys: [RecoveryKey] = []
        if let nationalID {
            keys.append(.nationalID(field: nationalID))
            if let k = nameKey ?? hv { keys.append(k) }
        } else if let hv {
            keys.append(hv)
            if let nameKey { keys.append(nameKey) }
        } else if let nameKey {
            keys.append(nameKey)
        }
        return keys
    }

    /// What a given field means: its key or a label names a kind, else its type (national ID,
    /// phone). Nil for anything else.
    public static func kind(of field: FieldDefinition) -> RecoveryFieldKind? {
        let named = [field.key, field.label?.th ?? "", field.label?.en ?? ""].lazy.compactMap(RecoveryFieldKind.of(header:)).first
        return named ?? (field.type == .thaiID ? .nationalID : field.type == .phone ? .phone : nil)
    }

    /// The match keys for given fields (see `suggestKeys`): the fields are recognised by
    /// `kind(of:)`; without a name field, first and last name together are the name.
    public static func suggestKeys(fields: [FieldDefinition], sources: [RecoverySource]) -> [RecoveryKey] {
        let kinds = fields.filter { !$0.archived }.map { (key: $0.key, kind: kind(of: $0)) }
        func first(_ k: RecoveryFieldKind) -> String? { kinds.first { $0.kind == k }?.key }
        var keys = suggestKeys(nationalID: first(.nationalID), house: first(.houseNumber), village: first(.village),
                               name: first(.name), sources: sources)
        if first(.name) == nil, let given = first(.firstName) {
            let parts = [given] + (first(.lastName).map { [$0] } ?? [])
            keys.append(.name(fields: parts))
        }
        return keys
    }

    /// For a register whose fields are already given (the API): which field each column fills.
    /// `DatasetSchema.suggestColumnMapping` first (key or label, then close names); then a
    /// column whose header or values mean a kind (`RecoveryFieldKind`) fills a free field of the
    /// same kind (the field's key or label says the kind, or its type: national ID, phone).
    /// Name parts all fill the name field.
    public static func mapColumns(_ table: RecoveryTable, to schema: DatasetSchema) -> [String?] {
        var result = schema.suggestColumnMapping(headers: table.header)
        var taken = Set(result.compactMap { $0 })
        let fieldKinds = schema.activeFields.map { (key: $0.key, kind: kind(of: $0)) }
        for (c, header) in table.header.enumerated() where result[c] == nil {
            var kind = RecoveryFieldKind.of(header: header)
            let byContent = RecoveryFieldKind.of(values: table.values(c))
            if byContent == .nationalID || (kind == nil && byContent != nil) { kind = byContent }
            guard let kind else { continue }
            // The field of that kind; a name part, else, the name (joined); a name, else, the first name.
            let f = fieldKinds.first { $0.kind == kind && !taken.contains($0.key) }
                ?? (kind != kind.target ? fieldKinds.first { $0.kind == kind.target } : nil)
                ?? (kind == .name ? fieldKinds.first { $0.kind == .firstName && !taken.contains($0.key) } : nil)
            if let f {
                result[c] = f.key
                taken.insert(f.key)
            }
        }
        return result
    }
}
