import Foundation

/// Distances in metres.
public enum Distance {
    /// Euclidean distance on a plane: sqrt(dx^2 + dy^2).
    @inlinable
    public static func planar(_ p: PlanarPoint, _ q: PlanarPoint) -> Double {
        let dx = p.x - q.x, dy = p.y - q.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Great-circle distance on a sphere of radius `radius` (default: WGS84 mean radius).
    public static func haversine(_ p: GeoPoint, _ q: GeoPoint, radius: Double = WGS84.meanRadius) -> Double {
        let rad = Double.pi / 180
        let dLat = (q.latitude - p.latitude) * rad
        let dLon = (q.longitude - p.longitude) * rad
        let s1 = sin(dLat / 2), s2 = sin(dLon / 2)
        let h = s1 * s1 + cos(p.latitude * rad) * cos(q.latitude * rad) * s2 * s2
        return 2 * radius * asin(min(1, h.squareRoot()))
    }

    /// Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula, sub-millimetre).
    /// Falls back to the haversine distance for nearly antipodal points where it does not converge.
    public static func geodesic(_ p: GeoPoint, _ q: GeoPoint) -> Double {
        let a = WGS84.a, b = WGS84.b, f = WGS84.f
        let rad = Double.pi / 180
        let L = (q.longitude - p.longitude) * rad
        let u1 = atan((1 - f) * tan(p.latitude * rad))
        let u2 = atan((1 - f) * tan(q.latitude * rad))
        let sinU1 = sin(u1), cosU1 = cos(u1), sinU2 = sin(u2), cosU2 = cos(u2)
        var lambda = L
        for _ in 0..<200 {
            let sinL = sin(lambda), cosL = cos(lambda)
            let t1 = cosU2 * sinL
            let t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosL
            let sinSigma = (t1 * t1 + t2 * t2).squareRoot()
            if sinSigma == 0 { return 0 }
            let cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL
            let sigma = atan2(sinSigma, cosSigma)
            let sinAlpha = cosU1 * cosU2 * sinL / sinSigma
            let cos2Alpha = 1 - sinAlpha * sinAlpha
            let cos2SigmaM = cos2Alpha != 0 ? cosSigma - 2 * sinU1 * sinU2 / cos2Alpha : 0
            let C = f / 16 * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha))
            let previous = lambda
            lambda = L + (1 - C) * f * sinAlpha
                * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)))
            if abs(lambda - previous) < 1e-13 {
                let uSq = cos2Alpha * (a * a - b * b) / (b * b)
                let A = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)))
                let B = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)))
                let deltaSigma = B * sinSigma * (cos2SigmaM + B / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
                    - B / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)))
                return b * A * (sigma - deltaSigma)
            }
        }
        return haversine(p, q)
    }
}
