import Foundation

/// The transverse Mercator projection on the WGS84 ellipsoid (Krüger's series to fourth order in
/// the third flattening n; the inverse solves the conformal latitude exactly by iteration).
/// Accurate to well under a millimetre within a few degrees of the central meridian.
public struct TransverseMercator: Sendable, Hashable {
    /// Central meridian in degrees.
    public let centralMeridian: Double
    /// Latitude of the origin in degrees (0 for UTM).
    public let latitudeOfOrigin: Double
    /// Scale on the central meridian (0.9996 for UTM, 1 for a local plane).
    public let scale: Double
    public let falseEasting: Double
    public let falseNorthing: Double

    public init(centralMeridian: Double, latitudeOfOrigin: Double = 0, scale: Double = 1,
                falseEasting: Double = 0, falseNorthing: Double = 0) {
        self.centralMeridian = centralMeridian
        self.latitudeOfOrigin = latitudeOfOrigin
        self.scale = scale
        self.falseEasting = falseEasting
        self.falseNorthing = falseNorthing
    }

    /// A local metric plane about `centre`: x east and y north in metres, with (0, 0) at the centre
    /// and scale 1 on the centre's meridian. Distances on it are true to better than 1 part in
    /// 10,000 within about 60 km of the centre.
    public static func local(centre: GeoPoint) -> TransverseMercator {
        TransverseMercator(centralMeridian: centre.longitude, latitudeOfOrigin: centre.latitude)
    }

    // Series constants (depend only on the ellipsoid).
    private static let n: Double = WGS84.f / (2 - WGS84.f)
    private static let e: Double = WGS84.e2.squareRoot()
    /// Rectifying radius.
    private static let rectifyingRadius: Double = {
        let n2 = n * n
        return WGS84.a / (1 + n) * (1 + n2 / 4 + n2 * n2 / 64)
    }()
    private static let alpha: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n
        return [
            n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180,
            13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440,
            61 * n3 / 240 - 103 * n4 / 140,
            49561 * n4 / 161_280,
        ]
    }()
    private static let beta: [Double] = {
        let n2 = n * n, n3 = n2 * n, n4 = n3 * n
        return [
            n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360,
            n2 / 48 + n3 / 15 - 437 * n4 / 1440,
            17 * n3 / 480 - 37 * n4 / 840,
            4397 * n4 / 161_280,
        ]
    }()

    /// Northing (before scale and false northing) of a point on the central meridian.
    private func meridianOffset() -> Double {
        if latitudeOfOrigin == 0 { return 0 }
        return Self.rawForward(latitude: latitudeOfOrigin, dLongitude: 0).y
    }

    /// Unscaled projection relative to the central meridian: (x, y) in metres with k0 = 1.
    private static func rawForward(latitude: Double, dLongitude: Double) -> PlanarPoint {
        let phi = latitude * .pi / 180
        let lambda = dLongitude * .pi / 180
        let sinPhi = sin(phi)
        // Conformal latitude via tan(chi) = sinh(psi), psi = atanh(sin phi) - e atanh(e sin phi).
        let t = sinh(atanh(sinPhi) - e * atanh(e * sinPhi))
        let xiP = atan2(t, cos(lambda))
        let etaP = atanh(sin(lambda) / (1 + t * t).squareRoot())
        var xi = xiP
        var eta = etaP
        for j in 0..<alpha.count {
            let k = 2 * Double(j + 1)
            xi += alpha[j] * sin(k * xiP) * cosh(k * etaP)
            eta += alpha[j] * cos(k * xiP) * sinh(k * etaP)
        }
        return PlanarPoint(x: rectifyingRadius * eta, y: rectifyingRadius * xi)
    }

    /// Projects a WGS84 position to the plane (metres).
    public func forward(_ p: GeoPoint) -> PlanarPoint {
        let raw = Self.rawForward(latitude: p.latitude, dLongitude: p.longitude - centralMeridian)
        return PlanarPoint(x: falseEasting + scale * raw.x,
                           y: falseNorthing + scale * (raw.y - meridianOffset()))
    }

    /// Converts a planar position (metres) back to WGS84.
    public func inverse(_ q: PlanarPoint) -> GeoPoint {
        let xi = ((q.y - falseNorthing) / scale + meridianOffset()) / Self.rectifyingRadius
        let eta = ((q.x - falseEasting) / scale) / Self.rectifyingRadius
        var xiP = xi
        var etaP = eta
        for j in 0..<Self.beta.count {
            let k = 2 * Double(j + 1)
            xiP -= Self.beta[j] * sin(k * xi) * cosh(k * eta)
            etaP -= Self.beta[j] * cos(k * xi) * sinh(k * eta)
        }
        let sinChi = sin(xiP) / cosh(etaP)
        let chi = asin(max(-1, min(1, sinChi)))
        let lambda = atan2(sinh(etaP), cos(xiP))
        // Geodetic latitude from conformal latitude: fixed-point iteration (converges like e^2).
        var phi = chi
        let e = Self.e
        let base = tan(.pi / 4 + chi / 2)
        for _ in 0..<20 {
            let es = e * sin(phi)
            let next = 2 * atan(base * pow((1 + es) / (1 - es), e / 2)) - .pi / 2
            if abs(next - phi) < 1e-15 { phi = next; break }
            phi = next
        }
        return GeoPoint(latitude: phi * 180 / .pi, longitude: centralMeridian + lambda * 180 / .pi)
    }
}

/// A UTM zone of the northern or southern hemisphere.
public struct UTMZone: Sendable, Hashable, CustomStringConvertible {
    public let number: Int
    public let isNorth: Bool
    public init(number: Int, isNorth: Bool = true) {
        precondition((1...60).contains(number), "UTM zone number must be 1...60")
        self.number = number
        self.isNorth = isNorth
    }
    /// Central meridian in degrees.
    public var centralMeridian: Double { Double(number) * 6 - 183 }
    /// EPSG code (326zz north, 327zz south), e.g. 32647 for 47N.
    public var epsg: Int { (isNorth ? 32600 : 32700) + number }
    public var description: String { "\(number)\(isNorth ? "N" : "S")" }
    /// The projection for this zone (scale 0.9996, false easting 500 km, false northing 10,000 km
    /// in the south).
    public var projection: TransverseMercator {
        TransverseMercator(centralMeridian: centralMeridian, scale: 0.9996,
                           falseEasting: 500_000, falseNorthing: isNorth ? 0 : 10_000_000)
    }
}

/// UTM helpers. Thailand lies in zones 47N (west of 102°E) and 48N (east of it).
public enum UTM {
    public static let zone47N = UTMZone(number: 47)
    public static let zone48N = UTMZone(number: 48)

    /// The standard zone for a position (6° zones; no Norway/Svalbard exceptions are needed here).
    public static func zone(for p: GeoPoint) -> UTMZone {
        var lon = p.longitude.truncatingRemainder(dividingBy: 360)
        if lon >= 180 { lon -= 360 }
        if lon < -180 { lon += 360 }
        let number = min(60, max(1, Int(((lon + 180) / 6).rounded(.down)) + 1))
        return UTMZone(number: number, isNorth: p.latitude >= 0)
    }

    /// The zone that suits a set of points: the zone of their mean longitude (so one town never
    /// straddles two planes).
    public static func zone(for points: [GeoPoint]) -> UTMZone {
        guard !points.isEmpty else { return zone47N }
        let lat = points.reduce(0) { $0 + $1.latitude } / Double(points.count)
        let lon = points.reduce(0) { $0 + $1.longitude } / Double(points.count)
        return zone(for: GeoPoint(latitude: lat, longitude: lon))
    }

    /// Projects to the given zone.
    public static func forward(_ p: GeoPoint, zone: UTMZone) -> PlanarPoint { zone.projection.forward(p) }
    /// Converts UTM coordinates of the given zone back to WGS84.
    public static func inverse(_ q: PlanarPoint, zone: UTMZone) -> GeoPoint { zone.projection.inverse(q) }
    /// Projects to the point's own zone and returns the zone used.
    public static func forward(_ p: GeoPoint) -> (zone: UTMZone, point: PlanarPoint) {
        let z = zone(for: p)
        return (z, z.projection.forward(p))
    }
}
