import Foundation

/// A position in WGS 84 degrees. GeoJSON writes it as `[longitude, latitude]`.
public struct GeoPosition: Sendable, Hashable {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// The geometries the platform exports.
public enum GeoJSONGeometry: Sendable, Hashable {
    case point(GeoPosition)
    /// Linear rings: the exterior first, then holes. Rings are closed and oriented as RFC 7946
    /// asks (exterior counter-clockwise, holes clockwise) when written.
    case polygon([[GeoPosition]])
    case multiPolygon([[[GeoPosition]]])
}

/// A property value of a feature.
public enum GeoJSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int)
    /// Written with full precision; NaN and infinities (not JSON) are written as null.
    case number(Double)
    case string(String)
}

/// Streams an RFC 7946 GeoJSON FeatureCollection, one feature at a time.
///
/// Coordinates are written as `[lon, lat]` with the shortest text that reads back as the same
/// Double (full precision). Output goes to a `FileHandle` or stays in memory for `drain()`.
///
/// ```swift
/// let geo = GeoJSONWriter(fileHandle: handle)
/// try geo.writeFeature(id: "r1", geometry: .point(.init(longitude: 102.53, latitude: 14.68)),
///                      properties: [("house_no", .string("12/3")), ("members", .integer(4))])
/// try geo.finish()
/// ```
public final class GeoJSONWriter {
    private let out: OutputBuffer
    private var count = 0
    private var finished = false

    public init(fileHandle: FileHandle) {
        out = OutputBuffer(handle: fileHandle)
        out.append(#"{"type":"FeatureCollection","features":["#)
    }

    /// Keeps the output in memory; read it with `drain()`.
    public init() {
        out = OutputBuffer(handle: nil)
        out.append(#"{"type":"FeatureCollection","features":["#)
    }

    /// Appends a feature. A nil geometry is written as `null` (allowed by RFC 7946).
    public func writeFeature(id: String? = nil, geometry: GeoJSONGeometry?,
                             properties: [(String, GeoJSONValue)]) throws(TabularError) {
        guard !finished else { throw .alreadyFinished }
        if count > 0 { out.append(UInt8(ascii: ",")) }
        count += 1
        out.append("\n{\"type\":\"Feature\"")
        if let id {
            out.append(",\"id\":")
            appendJSONString(id)
        }
        out.append(",\"geometry\":")
        if let geometry { appendGeometry(geometry) } else { out.append("null") }
        out.append(",\"properties\":{")
        for (k, (key, value)) in properties.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(key)
            out.append(UInt8(ascii: ":"))
            switch value {
            case .null: out.append("null")
            case let .bool(b): out.append(b ? "true" : "false")
            case let .integer(i): out.append(String(i))
            case let .number(d): appendNumber(d)
            case let .string(s): appendJSONString(s)
            }
        }
        out.append("}}")
        try out.flushIfNeeded()
    }

    /// Closes the collection and writes what is buffered.
    public func finish() throws(TabularError) {
        guard !finished else { return }
        finished = true
        out.append("\n]}\n")
        try out.flush()
    }

    /// In-memory mode: the bytes written since the last `drain()`, removed from the writer.
    public func drain() -> Data { Data(out.take()) }

    // MARK: Geometry

    private func appendGeometry(_ geometry: GeoJSONGeometry) {
        switch geometry {
        case let .point(p):
            out.append(#"{"type":"Point","coordinates":"#)
            appendPosition(p)
            out.append("}")
        case let .polygon(rings):
            out.append(#"{"type":"Polygon","coordinates":"#)
            appendPolygon(rings)
            out.append("}")
        case let .multiPolygon(polygons):
            out.append(#"{"type":"MultiPolygon","coordinates":["#)
            for (k, rings) in polygons.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendPolygon(rings)
            }
            out.append("]}")
        }
    }

    private func appendPolygon(_ rings: [[GeoPosition]]) {
        out.append(UInt8(ascii: "["))
        for (k, ring) in rings.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            let prepared = Self.prepareRing(ring, exterior: k == 0)
            out.append(UInt8(ascii: "["))
            for (j, p) in prepared.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                appendPosition(p)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Closes the ring and orients it: counter-clockwise for the exterior, clockwise for holes.
    static func prepareRing(_ ring: [GeoPosition], exterior: Bool) -> [GeoPosition] {
        var ring = ring
        if let first = ring.first, ring.last != first { ring.append(first) }
        var twiceArea = 0.0
        for i in 0..<max(ring.count - 1, 0) {
            twiceArea += ring[i].longitude * ring[i + 1].latitude - ring[i + 1].longitude * ring[i].latitude
        }
        let counterClockwise = twiceArea > 0
        if twiceArea != 0 && counterClockwise != exterior { ring.reverse() }
        return ring
    }

    private func appendPosition(_ p: GeoPosition) {
        out.append(UInt8(ascii: "["))
        appendNumber(p.longitude)
        out.append(UInt8(ascii: ","))
        appendNumber(p.latitude)
        out.append(UInt8(ascii: "]"))
    }

    private func appendNumber(_ d: Double) {
        guard d.isFinite else { out.append("null"); return }
        out.append(formatNumber(d))
    }

    private func appendJSONString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0..<0x20:
                out.append("\\u00" + (b < 0x10 ? "0" : "") + String(b, radix: 16))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
