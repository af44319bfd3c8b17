import Foundation
import ThaiConventions

// Reading one field's value from text (web forms, CSV/XLSX cells) or JSON (API bodies).
// Both entry points return `.null` for an empty input and never check constraints; `check(_:)`
// does that. Errors are `FieldError`s whose message names the field's label.

extension FieldDefinition {
    /// The longest text a field takes (UTF-16 units, as Excel counts a cell's characters).
    public static let maxTextLength = 32_767

    /// Reads a value as Thai staff type it: Thai digits anywhere; thousands separators;
    /// dates in every form `CalendarDay.parse` reads (BE or CE, Thai month names, Excel serials);
    /// yes/no words (`ใช่ ไม่ใช่ มี ไม่มี yes no true false 1 0 ✓`); national IDs with dashes or
    /// spaces (checksum checked); phones with `+66`, dashes, spaces; points as `14.68, 102.53`,
    /// `14.68 102.53` or `{"lat":..,"lon":..}`; choices matched ignoring case and spaces
    /// (multiple choice separated by `,` `;` or `|`); areas as GeoJSON text.
    /// Blank text (after trimming) is `.null`.
    public func parse(text raw: String) throws(FieldError) -> FieldValue {
        let trimmed = FieldParsing.trim(FieldParsing.excelText(raw))
        guard !trimmed.isEmpty else { return .null }
        do {
            return try FieldParsing.parse(trimmed, as: self)
        } catch {
            throw FieldError(self, error.reason)
        }
    }

    /// Reads a value from an API body: the JSON form of `FieldValue` (null for empty). A JSON
    /// string is also accepted for any type and read with `parse(text:)`, so form posts and
    /// clients that send numbers as strings work.
    public func parse(json: JSONValue) throws(FieldError) -> FieldValue {
        do {
            return try FieldParsing.parse(json: json, as: self)
        } catch let error as FieldError {
            throw error
        } catch let error as ParseFailure {
            throw FieldError(self, error.reason)
        } catch {
            throw FieldError(self, LocalizedMessage(th: "ค่าไม่ถูกต้อง", en: "invalid value"))
        }
    }
}

/// Why a text or JSON value could not be read; wrapped into a `FieldError` with the label.
struct ParseFailure: Error {
    let reason: LocalizedMessage
    init(_ th: String, _ en: String) { reason = LocalizedMessage(th: th, en: en) }
    init(_ reason: LocalizedMessage) { self.reason = reason }
}

enum FieldParsing {
    /// `="0812345678"`, Excel's text formula that CSV exports use to keep leading zeros and long
    /// numbers: the text inside.
    static func excelText(_ s: String) -> String {
        // The apostrophe exports put before text a spreadsheet would run as a formula ('=, '-, '+, '@).
        if s.utf8.first == 0x27, let next = s.utf8.dropFirst().first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(next) {
            return String(s.dropFirst())
        }
        guard s.utf8.first == 0x3D, s.hasPrefix("=\""), s.hasSuffix("\""), s.utf8.count >= 3 else { return s }
        let inner = s.dropFirst(2).dropLast()
        return inner.contains("\"") ? s : String(inner)
    }

    /// Trims whitespace and invisible characters at both ends.
    static func trim(_ s: String) -> String {
        // Most cells start and end with a visible ASCII or Thai character: nothing to trim.
        if let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, visible(first), visible(last) { return s }
        return s.trimmingCharacters(in: trimmed)
    }

    static let trimmed = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{200B}\u{FEFF}\u{2060}"))

    /// Printable ASCII other than space, or a Thai character: never trimmed.
    static func visible(_ s: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(s.value) || (0x0E01...0x0E5B).contains(s.value)
    }

    static func int64(_ d: Decimal) -> Int64? {
        guard d.isFinite, d.isIntegral, d >= Decimal(Int64.min), d <= Decimal(Int64.max) else { return nil }
        return Int64(NSDecimalNumber(decimal: d).stringValue)
    }

    // MARK: Text

    static func parse(_ s: String, as field: FieldDefinition) throws(ParseFailure) -> FieldValue {
        switch field.type {
        case .text, .longText:
            // What an Excel cell holds: a longer text could be stored but never exported to XLSX.
            guard s.utf16.count <= FieldDefinition.maxTextLength else {
                throw ParseFailure("ข้อความยาวเกิน \(FieldDefinition.maxTextLength) ตัวอักษร", "must be at most \(FieldDefinition.maxTextLength) characters long")
            }
            return .text(s)
        case .integer:
            guard let d = number(s) else { throw ParseFailure("ต้องเป็นจำนวนเต็ม เช่น 12 หรือ ๑๒", "must be a whole number, e.g. 12") }
            guard let i = int64(d) else {
                throw ParseFailure("ต้องเป็นจำนวนเต็ม ไม่มีทศนิยม", "must be a whole number without decimals")
            }
            return .integer(i)
        case .decimal:
            guard let d = number(s) else { throw ParseFailure("ต้องเป็นตัวเลข เช่น 1,234.50", "must be a number, e.g. 1,234.50") }
            return .decimal(d)
        case .date:
            do {
                return .date(try CalendarDay.parse(s))
            } catch {
                // An Excel date cell formatted with a time reads as "2024-03-16T00:00:00": its day.
                if s.count > 10, s.count <= 32, [Character("T"), " "].contains(s[s.index(s.startIndex, offsetBy: 10)]),
                   let day = try? CalendarDay(iso8601: String(s.prefix(10))), (try? DateTimeText.parse(s)) != nil {
                    return .date(day)
                }
                throw ParseFailure(error.message)
            }
        case .datetime:
            return .datetime(try DateTimeText.parse(s))
        case .boolean:
            guard let b = boolean(s) else {
                throw ParseFailure("ต้องเป็น ใช่ หรือ ไม่ใช่ (มี/ไม่มี, 1/0)", "must be yes or no (true/false, 1/0)")
            }
            return .boolean(b)
        case .choice:
            guard let c = ChoiceMatcher.match(s, in: field.choices) else { throw choiceFailure(s, field) }
            return .choice(c)
        case .multiChoice:
            var out: [String] = []
            // The whole text may itself be one choice that contains a separator.
            let parts = ChoiceMatcher.match(s, in: field.choices) != nil
                ? [s] : s.split(whereSeparator: { ",;|".contains($0) }).map { trim(String($0)) }.filter { !$0.isEmpty }
            for part in parts {
                guard let c = ChoiceMatcher.match(part, in: field.choices) else { throw choiceFailure(part, field) }
                if !out.contains(c) { out.append(c) }
            }
            return out.isEmpty ? .null : .multiChoice(out)
        case .thaiID:
            do {
                return .thaiID(try ThaiNationalID(s))
            } catch {
                throw ParseFailure(error.message)
            }
        case .phone:
            return .phone(try phone(s))
        case .email:
            return .email(try email(s))
        case .point:
            return .point(try point(s))
        case .area:
            guard let json = JSONValue(jsonText: s) else {
                throw ParseFailure("พื้นที่ต้องเป็น GeoJSON (Polygon หรือ MultiPolygon)", "an area must be GeoJSON (Polygon or MultiPolygon)")
            }
            return .area(try area(json))
        case .file:
            return .file(try fileReference(s))
        case .village, .reference:
            guard let u = UUID(uuidString: s) else {
                throw field.type == .village
                    ? ParseFailure("รหัสหมู่บ้าน/ชุมชนไม่ถูกต้อง", "not a valid village/community id")
                    : ParseFailure("รหัสระเบียนที่อ้างอิงไม่ถูกต้อง", "not a valid record id")
            }
            return field.type == .village ? .village(u) : .reference(u)
        }
    }

    /// A file field holds a file stored with the record (`file:` and its id, as the form's upload
    /// gives it) or a web address: a bare name such as "photo1.jpg" points at nothing.
    static func fileReference(_ s: String) throws(ParseFailure) -> String {
        if let id = FieldValue.storedFileID(s) { return FieldValue.storedFile(id) }
        if let url = URL(string: s), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false, s.count <= 2000 {
            return s
        }
        throw ParseFailure("ต้องเป็นไฟล์ที่อัปโหลดไว้ (file:รหัส) หรือลิงก์ https://…", "must be an uploaded file (file:id) or an https:// link")
    }

    static func choiceFailure(_ s: String, _ field: FieldDefinition) -> ParseFailure {
        let list = field.choices.joined(separator: ", ")
        return ParseFailure("“\(s)” ไม่อยู่ในตัวเลือก (\(list))", "“\(s)” is not one of the choices (\(list))")
    }

    /// A number with Thai digits, thousands separators, surrounding spaces; also a space as
    /// thousands separator is not accepted (too ambiguous).
    static func number(_ s: String) -> Decimal? {
        ThaiDigits.parseDecimal(s)
    }

    static let trueWords: Set<String> = ["ใช่", "มี", "จริง", "yes", "y", "true", "t", "1", "✓", "✔", "☑"]
    static let falseWords: Set<String> = ["ไม่ใช่", "ไม่มี", "ไม่", "เท็จ", "no", "n", "false", "f", "0", "✗", "✘", "☐"]

    static func boolean(_ s: String) -> Bool? {
        let key = SearchText.compactKey(s)
        if trueWords.contains(key) { return true }
        if falseWords.contains(key) { return false }
        return nil
    }

    /// Thai numbers: `0` + 8 or 9 digits; `+66` / `66` (international, the leading 0 dropped);
    /// spaces, dashes, dots and brackets ignored. Normalised to the digits, leading 0.
    static func phone(_ s: String) throws(ParseFailure) -> String {
        var text = ThaiDigits.toASCII(s)
        var international = false
        if text.hasPrefix("+") { international = true; text.removeFirst() }
        var digits = ""
        for c in text {
            if c.isASCII, c.isNumber { digits.append(c) }
            else if " -.()/\u{00A0}".contains(c) { continue }
            else { throw ParseFailure("เบอร์โทรศัพท์มีอักขระที่ไม่ใช่ตัวเลข “\(c)”", "the phone number contains “\(c)”, which is not a digit") }
        }
        if digits.hasPrefix("66") && (international || digits.count == 10 || digits.count == 11) && !digits.hasPrefix("0") {
            digits = "0" + digits.dropFirst(2)
        } else if international {
            throw ParseFailure("รับเฉพาะเบอร์ในประเทศไทย (+66)", "only Thai numbers (+66) are accepted")
        }
        guard digits.hasPrefix("0"), (9...10).contains(digits.count) else {
            throw ParseFailure("เบอร์โทรศัพท์ต้องขึ้นต้นด้วย 0 และมี 9 หรือ 10 หลัก เช่น 081-234-5678",
                               "a phone number starts with 0 and has 9 or 10 digits, e.g. 081-234-5678")
        }
        return digits
    }

    /// `local@domain.tld`: one `@`, no spaces, a dotted domain of letters, digits and hyphens.
    /// The domain is lower-cased; the local part is kept as typed.
    static func email(_ s: String) throws(ParseFailure) -> String {
        let failure = ParseFailure("อีเมลไม่ถูกต้อง เช่น name@example.go.th", "not a valid email address, e.g. name@example.go.th")
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { throw failure }
        let domain = parts[1].lowercased()
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
        }), (labels.last?.count ?? 0) >= 2 else { throw failure }
        return parts[0] + "@" + domain
    }

    static func point(_ s: String) throws(ParseFailure) -> GeoPoint {
        let failure = ParseFailure("พิกัดต้องเป็น ละติจูด, ลองจิจูด เช่น 14.68, 102.53",
                                   "a point is latitude, longitude, e.g. 14.68, 102.53")
        if s.hasPrefix("{") {
            guard let json = JSONValue(jsonText: s) else { throw failure }
            return try point(json: json)
        }
        var text = ThaiDigits.toASCII(s)
        if text.hasPrefix("("), text.hasSuffix(")") { text = String(text.dropFirst().dropLast()) }
        let parts = text.split(whereSeparator: { $0 == "," || $0.isWhitespace })
        guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]),
              parts.allSatisfy({ $0.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" } })
        else { throw failure }
        return try ranged(GeoPoint(lat: lat, lon: lon))
    }

    static func point(json: JSONValue) throws(ParseFailure) -> GeoPoint {
        guard case .object(let o) = json else {
            throw ParseFailure("พิกัดต้องเป็น {\"lat\": ..., \"lon\": ...}", "a point must be {\"lat\": ..., \"lon\": ...}")
        }
        func coordinate(_ names: [String]) -> Double? {
            for n in names {
                switch o[n] {
                case .number(let d)?: return Double(d.description)
                case .string(let s)?: return ThaiDigits.parseDecimal(s).flatMap { Double($0.description) }
                default: continue
                }
            }
            return nil
        }
        guard let lat = coordinate(["lat", "latitude"]), let lon = coordinate(["lon", "lng", "longitude"]) else {
            throw ParseFailure("พิกัดต้องเป็น {\"lat\": ..., \"lon\": ...}", "a point must be {\"lat\": ..., \"lon\": ...}")
        }
        return try ranged(GeoPoint(lat: lat, lon: lon))
    }

    static func ranged(_ p: GeoPoint) throws(ParseFailure) -> GeoPoint {
        guard p.lat.isFinite, p.lon.isFinite, p.isInRange else {
            throw ParseFailure("พิกัดอยู่นอกช่วง (ละติจูด −90 ถึง 90, ลองจิจูด −180 ถึง 180)",
                               "the point is out of range (latitude −90 to 90, longitude −180 to 180)")
        }
        return p
    }

    /// A GeoJSON `Polygon` or `MultiPolygon` geometry (a `Feature` is unwrapped to its geometry):
    /// rings of at least 4 positions, closed, longitude/latitude in range.
    static func area(_ json: JSONValue) throws(ParseFailure) -> JSONValue {
        let failure = ParseFailure("พื้นที่ต้องเป็น GeoJSON Polygon หรือ MultiPolygon ที่มีวงปิดอย่างน้อย 4 จุด",
                                   "an area must be a GeoJSON Polygon or MultiPolygon with closed rings of at least 4 positions")
        guard case .object(let o) = json, case .string(let type)? = o["type"] else { throw failure }
        if type == "Feature", let geometry = o["geometry"] { return try area(geometry) }
        func position(_ p: JSONValue) throws(ParseFailure) -> [Decimal] {
            guard case .array(let a) = p, a.count >= 2 else { throw failure }
            var out: [Decimal] = []
            for v in a {
                guard case .number(let d) = v else { throw failure }
                out.append(d)
            }
            guard (-180...180).contains(out[0]), (-90...90).contains(out[1]) else {
                throw ParseFailure("พิกัดของพื้นที่อยู่นอกช่วง (ลองจิจูด, ละติจูด)", "an area position is out of range (longitude, latitude)")
            }
            return out
        }
        func polygon(_ p: JSONValue) throws(ParseFailure) {
            guard case .array(let rings) = p, !rings.isEmpty else { throw failure }
            for ring in rings {
                guard case .array(let positions) = ring, positions.count >= 4 else { throw failure }
                var coords: [[Decimal]] = []
                for position0 in positions { coords.append(try position(position0)) }
                guard coords.first == coords.last else { throw failure }
            }
        }
        guard let coordinates = o["coordinates"] else { throw failure }
        switch type {
        case "Polygon":
            try polygon(coordinates)
        case "MultiPolygon":
            guard case .array(let polygons) = coordinates, !polygons.isEmpty else { throw failure }
            for p in polygons { try polygon(p) }
        default:
            throw failure
        }
        return .object(["type": .string(type), "coordinates": coordinates])
    }

    // MARK: JSON

    static func parse(json: JSONValue, as field: FieldDefinition) throws -> FieldValue {
        switch json {
        case .null:
            return .null
        case .string(let s):
            return try field.parse(text: s)
        case .number(let n):
            switch field.type {
            case .integer:
                guard let i = int64(n) else { throw ParseFailure("ต้องเป็นจำนวนเต็ม ไม่มีทศนิยม", "must be a whole number without decimals") }
                return .integer(i)
            case .decimal:
                return .decimal(n)
            case .boolean where n == 0 || n == 1:
                return .boolean(n == 1)
            case .date, .datetime, .thaiID, .phone, .text, .longText, .choice:
                return try field.parse(text: n.description)
            default:
                throw typeFailure(field)
            }
        case .bool(let b):
            guard field.type == .boolean else { throw typeFailure(field) }
            return .boolean(b)
        case .array(let items):
            guard field.type == .multiChoice else { throw typeFailure(field) }
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw typeFailure(field) }
                let t = trim(s)
                if t.isEmpty { continue }
                guard let c = ChoiceMatcher.match(t, in: field.choices) else { throw choiceFailure(t, field) }
                if !out.contains(c) { out.append(c) }
            }
            return out.isEmpty ? .null : .multiChoice(out)
        case .object:
            switch field.type {
            case .point: return .point(try point(json: json))
            case .area: return .area(try area(json))
            default: throw typeFailure(field)
            }
        }
    }

    static func typeFailure(_ field: FieldDefinition) -> ParseFailure {
        let t = field.type.label
        return ParseFailure("ชนิดข้อมูลไม่ตรง (ต้องเป็น\(t.th))", "wrong kind of value (expected \(t.en.lowercased()))")
    }
}

/// Matching typed choices against a field's list, ignoring case, spaces and digit script.
enum ChoiceMatcher {
    static func key(_ s: String) -> String { SearchText.compactKey(s) }

    /// The choice as spelt in the list, or nil.
    static func match(_ s: String, in choices: [String]) -> String? {
        if choices.contains(s) { return s }
        let k = key(s)
        return choices.first { key($0) == k }
    }
}

extension Decimal {
    /// Whether the number has no fractional part.
    var isIntegral: Bool {
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        return rounded == self
    }
}
