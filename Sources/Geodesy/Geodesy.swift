// Geodesy: projections and distances.
//
// Foundation-only building blocks shared by the epidemiology engine and the web platform:
//
// - `GeoPoint` (WGS84 latitude/longitude in degrees) and `PlanarPoint` (metres on a plane).
// - `TransverseMercator`: the ellipsoidal transverse Mercator projection (Krüger series), used for
//   UTM zones (`UTM.zone47N`, `UTM.zone48N`, `UTM.projection(for:)`) and for a local metric plane
//   centred on a town (`TransverseMercator.local(centre:)`).
// - `Distance`: planar, haversine (sphere) and geodesic (ellipsoid, Vincenty) distances in metres.
// - `GridIndex`: a uniform-grid spatial index for "all points within r of p" and for enumerating
//   every pair of points closer than r, so work grows with the number of close pairs.
import Foundation

/// A WGS84 position in decimal degrees.
public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// A position on a projected plane, in metres (x = easting, y = northing).
public struct PlanarPoint: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// The WGS84 reference ellipsoid.
public enum WGS84 {
    /// Semi-major axis in metres.
    public static let a = 6_378_137.0
    /// Flattening.
    public static let f = 1.0 / 298.257_223_563
    /// Semi-minor axis in metres.
    public static let b = a * (1 - f)
    /// First eccentricity squared.
    public static let e2 = f * (2 - f)
    /// Mean radius R1 = (2a + b) / 3, used by the spherical (haversine) distance.
    public static let meanRadius = (2 * a + b) / 3
}
