import Foundation
import Geodesy
import Epidemiology

/// Bad input: printed on standard error, exit status 2.
public struct EpiInputError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Number formatting shared by the CSV and JSON outputs: integral values as integers, others with
/// the shortest representation that round-trips exactly; Inf / -Inf / NaN spelled like that.
enum NumberFormat {
    static func csv(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "Inf" }
        if v == -.infinity { return "-Inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
    /// JSON has no Inf/NaN: they become null.
    static func json(_ v: Double) -> String { v.isFinite ? csv(v) : "null" }
    static func json(_ v: Double?) -> String { v.map { json($0) } ?? "null" }
}

/// A tiny ordered JSON writer (keys keep the order given).
enum JSON {
    indirect enum Value {
        case number(Double?)
        case int(Int)
        case string(String)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])
    }

    static func escape(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func render(_ v: Value, indent: String = "") -> String {
        let inner = indent + "  "
        switch v {
        case .number(let d): return NumberFormat.json(d)
        case .int(let i): return String(i)
        case .string(let s): return escape(s)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
                return "[" + items.map { render($0) }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + render($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { inner + escape($0.0) + ": " + render($0.1, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }
}

/// A parsed CSV file with a header row.
struct CSVTable {
    var name: String
    var header: [String]
    var rows: [[String]]
    /// Line number (1-based) of each data row, for messages.
    var lines: [Int]

    static func load(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EpiInputError("cannot read file '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EpiInputError("file '\(path)' is not UTF-8 text")
        }
        return try parse(text, name: path)
    }

    static func parse(_ text: String, name: String) throws -> CSVTable {
        var records: [([String], Int)] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var k = 0
        func endRecord() {
            record.append(field)
            field = ""
            if !(record.count == 1 && record[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append((record, recordLine))
            }
            record = []
        }
        while k < chars.count {
            let c = chars[k]
            if inQuotes {
                if c == "\"" {
                    if k + 1 < chars.count && chars[k + 1] == "\"" { field.unicodeScalars.append("\""); k += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r" && k + 1 < chars.count && chars[k + 1] == "\n" { k += 1 }
                endRecord()
                line += 1
                recordLine = line
            } else {
                field.unicodeScalars.append(c)
            }
            k += 1
        }
        if inQuotes { throw EpiInputError("\(name): unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let first = records.first else { throw EpiInputError("\(name): the file is empty") }
        let header = first.0.map { $0.trimmingCharacters(in: .whitespaces) }
        let body = records.dropFirst()
        guard !body.isEmpty else { throw EpiInputError("\(name): the file has a header but no data rows") }
        for (r, l) in body where r.count != header.count {
            throw EpiInputError("\(name) line \(l): \(r.count) fields, the header has \(header.count)")
        }
        return CSVTable(name: name, header: header, rows: body.map { $0.0.map { $0.trimmingCharacters(in: .whitespaces) } },
                        lines: body.map(\.1))
    }

    /// Column index: exact name, else case-insensitive, else one of the aliases.
    func column(_ name: String, aliases: [String] = []) throws -> Int {
        if let k = header.firstIndex(of: name) { return k }
        for candidate in [name] + aliases {
            if let k = header.firstIndex(where: { $0.lowercased() == candidate.lowercased() }) { return k }
        }
        throw EpiInputError("\(self.name): missing column '\(name)' (columns: \(header.joined(separator: ", ")))")
    }

    func numbers(_ col: Int, skip: [Bool]? = nil, allowDates: Bool = false) throws -> [Double] {
        var out = [Double](repeating: .nan, count: rows.count)
        for (r, row) in rows.enumerated() {
            if skip?[r] == true { continue }
            let s = row[col]
            if let v = Double(s), v.isFinite {
                out[r] = v
            } else if allowDates, let v = SaTScanFiles.parseTime(s) {
                out[r] = v
            } else {
                throw EpiInputError("\(name) line \(lines[r]): column '\(header[col])' has non-numeric value '\(s)'")
            }
        }
        return out
    }
}

/// Values compared as numbers when both parse as numbers ("2" == "2.0"), else as text.
func normalizedKey(_ s: String) -> String {
    if let v = Double(s) { return v == 0 ? "n:0" : "n:\(v)" }
    return "s:" + s
}

func parseNumber(_ s: String, option: String) throws -> Double {
    let t = s.trimmingCharacters(in: .whitespaces)
    switch t.lowercased() {
    case "inf", "+inf", "infinity": return .infinity
    default: break
    }
    guard let v = Double(t), !v.isNaN else { throw EpiInputError("\(option): '\(s)' is not a number") }
    return v
}

func parseCount(_ s: String?, option: String, default d: Int) throws -> Int {
    guard let s else { return d }
    guard let v = Int(s.trimmingCharacters(in: .whitespaces)), v >= 0 else {
        throw EpiInputError("\(option): '\(s)' is not a whole number >= 0")
    }
    return v
}

func parseSeed(_ s: String?) throws -> UInt64 {
    guard let s else { return 1 }
    if let v = UInt64(s) { return v }
    if let v = Int64(s) { return UInt64(bitPattern: v) }
    throw EpiInputError("--seed: '\(s)' is not an integer")
}

/// LOW:HIGH:STEP → bands. LOW >= HIGH or STEP <= 0 is bad input.
func parseBands(_ spec: String, cumulative: Bool, option: String = "--bands") throws -> [DistanceBand] {
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3 else { throw EpiInputError("\(option): expected LOW:HIGH:STEP, got '\(spec)'") }
    let low = try parseNumber(parts[0], option: option)
    let high = try parseNumber(parts[1], option: option)
    let step = try parseNumber(parts[2], option: option)
    guard low.isFinite else { throw EpiInputError("\(option): LOW must be finite") }
    guard low < high else { throw EpiInputError("\(option): LOW (\(parts[0])) must be less than HIGH (\(parts[1]))") }
    guard step > 0, step.isFinite else { throw EpiInputError("\(option): STEP must be a positive number") }
    guard high.isFinite || cumulative == false else { throw EpiInputError("\(option): HIGH must be finite with --cumulative") }
    if !high.isFinite { throw EpiInputError("\(option): HIGH must be finite") }
    guard (high - low) / step <= 100_000 else { throw EpiInputError("\(option): too many bands (at most 100000)") }
    return DistanceBand.range(low: low, high: high, step: step, cumulative: cumulative)
}

/// Planar coordinates from a table: x/y columns, or lat/lon projected to UTM (zone of the mean
/// point, 47N/48N in Thailand) or a local transverse Mercator plane.
struct Coordinates {
    var x: [Double]
    var y: [Double]
}

enum ProjectionChoice: String { case utm, local }

func readCoordinates(_ table: CSVTable, x: String, y: String, lat: String?, lon: String?,
                     projection: ProjectionChoice, reference: GeoPoint? = nil) throws -> (Coordinates, GeoPoint?) {
    if lat != nil || lon != nil {
        guard let lat, let lon else { throw EpiInputError("--lat and --lon go together") }
        let la = try table.numbers(try table.column(lat))
        let lo = try table.numbers(try table.column(lon))
        for (k, v) in la.enumerated() where abs(v) > 90 {
            throw EpiInputError("\(table.name) line \(table.lines[k]): latitude \(v) is out of range")
        }
        for (k, v) in lo.enumerated() where abs(v) > 180 {
            throw EpiInputError("\(table.name) line \(table.lines[k]): longitude \(v) is out of range")
        }
        let pts = zip(la, lo).map { GeoPoint(latitude: $0, longitude: $1) }
        let ref = reference ?? GeoPoint(latitude: la.reduce(0, +) / Double(la.count), longitude: lo.reduce(0, +) / Double(lo.count))
        let proj: TransverseMercator = projection == .utm ? UTM.zone(for: ref).projection : .local(centre: ref)
        let planar = pts.map { proj.forward($0) }
        return (Coordinates(x: planar.map(\.x), y: planar.map(\.y)), ref)
    }
    let xs = try table.numbers(try table.column(x))
    let ys = try table.numbers(try table.column(y))
    return (Coordinates(x: xs, y: ys), nil)
}
