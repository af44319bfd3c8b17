import SignboardTax

// One element of the `assess` input array, turned into a `Sign`. Absent and null mean the same;
// unknown keys are ignored; every problem becomes a `SignError` for that element alone.

/// The fields of one input object, as found.
struct SignRecord {
    var id: JSONValue = .null
    var width: JSONValue = .null
    var height: JSONValue = .null
    var area: JSONValue = .null
    var faces: JSONValue = .null
    var type: JSONValue = .null
    var moving: JSONValue = .null
    var installedOn: JSONValue = .null
    var exemption: JSONValue = .null
    var filing: JSONValue = .null
    var declaredTax: JSONValue = .null
    var correctedBeforeNotice: JSONValue = .null
    var noticeReceivedOn: JSONValue = .null
    var paidOn: JSONValue = .null

    /// Collects the known members; nil when the element is not an object.
    init?(_ element: JSONValue) {
        guard case let .object(members) = element else { return nil }
        for member in members {
            switch member.key {
            case "id": id = member.value
            case "width_cm": width = member.value
            case "height_cm": height = member.value
            case "area_cm2": area = member.value
            case "faces": faces = member.value
            case "type": type = member.value
            case "moving": moving = member.value
            case "installed_on": installedOn = member.value
            case "exemption": exemption = member.value
            case "filing": filing = member.value
            case "declared_tax": declaredTax = member.value
            case "corrected_before_notice": correctedBeforeNotice = member.value
            case "notice_received_on": noticeReceivedOn = member.value
            case "paid_on": paidOn = member.value
            default: continue
            }
        }
    }

    func sign() throws(SignError) -> Sign {
        switch id {
        case .null: throw .missingField("id")
        case .string, .number: break
        default: throw .wrongKind(field: "id", expected: "a string")
        }
        let faceArea = try Self.faceArea(width: width, height: height, area: area)
        var faceCount = 1
        if let literal = try Self.number(faces, "faces") {
            guard case let .value(count) = fixedPoint(literal, decimals: 0), count >= 1, count <= Int64(Int32.max) else {
                throw .badFaces
            }
            faceCount = Int(count)
        }
        var filingRecord: FilingRecord? = nil
        switch filing {
        case .null: break
        case let .object(members):
            var filedOn: JSONValue = .null, beforeNotice: JSONValue = .null
            for member in members {
                if member.key == "filed_on" { filedOn = member.value }
                if member.key == "before_notice" { beforeNotice = member.value }
            }
            if let date = try Self.date(filedOn, "filing.filed_on") {
                filingRecord = .filed(on: date, beforeNotice: try Self.flag(beforeNotice, "filing.before_notice"))
            } else {
                filingRecord = .neverFiled
            }
        default: throw .wrongKind(field: "filing", expected: "an object")
        }
        var declared: Satang? = nil
        if let literal = try Self.number(declaredTax, "declared_tax") {
            switch fixedPoint(literal, decimals: 2) {
            case let .value(satang):
                guard satang >= 0 else { throw .negativeDeclaredTax }
                declared = Satang(satang)
            case .tooManyDecimals: throw .tooManyDecimals("declared_tax")
            case .outOfRange: throw .amountOutOfRange
            }
        }
        return Sign(
            faceArea: faceArea, faces: faceCount, type: try Self.signType(type),
            motion: try Self.flag(moving, "moving") ? .moving : .other,
            installedOn: try Self.date(installedOn, "installed_on"),
            exemption: try Self.exemption(exemption),
            filing: filingRecord, declaredTax: declared,
            correctedBeforeNotice: try Self.flag(correctedBeforeNotice, "corrected_before_notice"),
            noticeReceivedOn: try Self.date(noticeReceivedOn, "notice_received_on"),
            paidOn: try Self.date(paidOn, "paid_on"))
    }

    // MARK: Fields

    /// The area of one face: width x height, or area_cm2; both when given must agree.
    static func faceArea(width: JSONValue, height: JSONValue, area: JSONValue) throws(SignError) -> SignArea {
        let widthLiteral = try number(width, "width_cm")
        let heightLiteral = try number(height, "height_cm")
        let areaLiteral = try number(area, "area_cm2")
        var measured: SignArea? = nil
        if widthLiteral != nil || heightLiteral != nil {
            guard let widthLiteral else { throw .missingField("width_cm") }
            guard let heightLiteral else { throw .missingField("height_cm") }
            let widthHundredths = try scaled(widthLiteral, decimals: 2, field: "width_cm")
            let heightHundredths = try scaled(heightLiteral, decimals: 2, field: "height_cm")
            guard let product = SignArea(widthHundredths: widthHundredths, heightHundredths: heightHundredths) else {
                throw .sizeTooLarge
            }
            measured = product
        }
        if let areaLiteral {
            let areaScaled = try scaled(areaLiteral, decimals: 4, field: "area_cm2")
            guard let given = SignArea(scaled: areaScaled) else { throw .sizeTooLarge }
            if let measured, measured != given { throw .sizeMismatch }
            return given
        }
        guard let measured else { throw .missingField("width_cm + height_cm or area_cm2") }
        return measured
    }

    /// A positive size in fixed point.
    private static func scaled(_ literal: String, decimals: Int, field: String) throws(SignError) -> Int64 {
        switch fixedPoint(literal, decimals: decimals) {
        case let .value(value):
            guard value > 0 else { throw .nonPositiveSize(field) }
            return value
        case .tooManyDecimals:
            // A tiny positive or negative value is still a size problem first.
            if literal.hasPrefix("-") || literal.allSatisfy({ "0.-eE+".contains($0) }) { throw .nonPositiveSize(field) }
            throw .tooManyDecimals(field)
        case .outOfRange:
            if literal.hasPrefix("-") { throw .nonPositiveSize(field) }
            throw .sizeTooLarge
        }
    }

    static func number(_ value: JSONValue, _ field: String) throws(SignError) -> String? {
        switch value {
        case .null: return nil
        case let .number(literal): return literal
        default: throw .wrongKind(field: field, expected: "a number")
        }
    }

    static func flag(_ value: JSONValue, _ field: String) throws(SignError) -> Bool {
        switch value {
        case .null: return false
        case let .bool(flag): return flag
        default: throw .wrongKind(field: field, expected: "true or false")
        }
    }

    static func date(_ value: JSONValue, _ field: String) throws(SignError) -> CivilDate? {
        switch value {
        case .null: return nil
        case let .string(text):
            guard let date = CivilDate(iso: text) else { throw .badDate(field: field, value: text) }
            return date
        default: throw .wrongKind(field: field, expected: "a string")
        }
    }

    /// "1", "2" or "3"; the numbers 1, 2, 3 are accepted too, as spreadsheets export them.
    static func signType(_ value: JSONValue) throws(SignError) -> SignType {
        switch value {
        case .null: throw .missingField("type")
        case let .string(text), let .number(text):
            guard let type = SignType(rawValue: text) else { throw .unknownType(text) }
            return type
        default: throw .wrongKind(field: "type", expected: "a string")
        }
    }

    static func exemption(_ value: JSONValue) throws(SignError) -> Exemption? {
        switch value {
        case .null: return nil
        case let .string(code):
            guard let exemption = Exemption(rawValue: code) else { throw .unknownExemption(code) }
            return exemption
        default: throw .wrongKind(field: "exemption", expected: "a string")
        }
    }
}
