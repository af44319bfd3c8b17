import Foundation
import Testing
@testable import Geodesy

@Suite struct ProjectionTests {
    /// Reference values from PROJ (PostGIS ST_Transform from EPSG:4326).
    @Test(arguments: [
        (15.05, 102.99, 48, 283921.6767387423, 1664840.6744433297),
        (7.0, 100.47, 47, 662380.4127529825, 774002.7669299893),
        (14.8, 102.5, 47, 876828.7859979133, 1639148.037346962),
    ])
    func utmMatchesPROJ(lat: Double, lon: Double, zone: Int, e: Double, n: Double) {
        let p = UTMZone(number: zone).projection.forward(GeoPoint(latitude: lat, longitude: lon))
        #expect(abs(p.x - e) < 1e-3)
        #expect(abs(p.y - n) < 1e-3)
    }

    @Test func centralMeridianOnEquator() {
        let p = UTM.zone47N.projection.forward(GeoPoint(latitude: 0, longitude: 99))
        #expect(abs(p.x - 500_000) < 1e-9)
        #expect(abs(p.y) < 1e-9)
    }

    @Test func automaticZone() {
        #expect(UTM.zone(for: GeoPoint(latitude: 15.05, longitude: 102.99)) == UTM.zone48N)
        #expect(UTM.zone(for: GeoPoint(latitude: 7.0, longitude: 100.47)) == UTM.zone47N)
        #expect(UTM.zone(for: GeoPoint(latitude: -33.9, longitude: 18.4)).description == "34S")
        #expect(UTM.zone47N.epsg == 32647)
    }

    @Test func roundTrips() {
        var s: UInt64 = 42
        func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1p-53 }
        for _ in 0..<500 {
            let g = GeoPoint(latitude: 5 + 16 * next(), longitude: 97 + 9 * next())
            let (zone, p) = UTM.forward(g)
            let back = UTM.inverse(p, zone: zone)
            #expect(abs(back.latitude - g.latitude) < 1e-9)
            #expect(abs(back.longitude - g.longitude) < 1e-9)
            let local = TransverseMercator.local(centre: GeoPoint(latitude: 15, longitude: 103))
            let q = local.forward(g)
            let back2 = local.inverse(q)
            #expect(abs(back2.latitude - g.latitude) < 1e-9)
            #expect(abs(back2.longitude - g.longitude) < 1e-9)
        }
    }

    @Test func localPlaneIsMetric() {
        let centre = GeoPoint(latitude: 14.9, longitude: 102.75)
        let local = TransverseMercator.local(centre: centre)
        let o = local.forward(centre)
        #expect(abs(o.x) < 1e-6 && abs(o.y) < 1e-6)
        let other = GeoPoint(latitude: 14.95, longitude: 102.81)
        let planar = Distance.planar(o, local.forward(other))
        let geodesic = Distance.geodesic(centre, other)
        #expect(abs(planar - geodesic) / geodesic < 1e-5)
    }
}

@Suite struct DistanceTests {
    @Test func haversineDegree() {
        let d = Distance.haversine(GeoPoint(latitude: 0, longitude: 100), GeoPoint(latitude: 1, longitude: 100))
        #expect(abs(d - WGS84.meanRadius * .pi / 180) < 1e-6)
    }

    @Test func geodesicKnownValue() {
        // One degree of longitude on the equator of WGS84 is a * pi / 180.
        let d = Distance.geodesic(GeoPoint(latitude: 0, longitude: 100), GeoPoint(latitude: 0, longitude: 101))
        #expect(abs(d - WGS84.a * .pi / 180) < 1e-4)
        #expect(Distance.geodesic(GeoPoint(latitude: 10, longitude: 10), GeoPoint(latitude: 10, longitude: 10)) == 0)
    }
}

@Suite struct GridIndexTests {
    func randomPoints(_ n: Int, seed: UInt64, extent: Double, integer: Bool = false) -> [PlanarPoint] {
        var s = seed
        func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1p-53 }
        return (0..<n).map { _ in
            let x = next() * extent, y = next() * extent
            return integer ? PlanarPoint(x: x.rounded(), y: y.rounded()) : PlanarPoint(x: x, y: y)
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func withinMatchesBruteForce(seed: UInt64) {
        let pts = randomPoints(800, seed: seed, extent: 1000, integer: seed == 3)
        for r in [0.0, 5, 37.5, 100, 2000] {
            let index = GridIndex(points: pts, cellSize: max(r, 1))
            for q in randomPoints(20, seed: seed + 100, extent: 1000) {
                let brute = pts.indices.filter { Distance.planar(pts[$0], q) <= r }
                #expect(index.indices(within: r, of: q) == brute)
            }
        }
    }

    @Test(arguments: [11 as UInt64, 12])
    func pairsMatchBruteForce(seed: UInt64) {
        let pts = randomPoints(600, seed: seed, extent: 500, integer: true)
        for (r, cell) in [(10.0, 10.0), (25, 8), (60, 200)] {
            var found = Set<[Int]>()
            var duplicates = 0
            GridIndex(points: pts, cellSize: cell).forEachPair(within: r) { i, j, _ in
                if !found.insert([min(i, j), max(i, j)]).inserted { duplicates += 1 }
            }
            var brute = Set<[Int]>()
            for i in pts.indices { for j in (i + 1)..<pts.count where Distance.planar(pts[i], pts[j]) <= r { brute.insert([i, j]) } }
            #expect(duplicates == 0)
            #expect(found == brute)
        }
    }

    @Test func emptyAndSingle() {
        let empty = GridIndex(points: [], cellSize: 10)
        #expect(empty.count(within: 5, of: PlanarPoint(x: 0, y: 0)) == 0)
        let one = GridIndex(points: [PlanarPoint(x: 1, y: 1)], cellSize: 10)
        var pairs = 0
        one.forEachPair(within: 100) { _, _, _ in pairs += 1 }
        #expect(pairs == 0)
        #expect(one.count(within: 0, of: PlanarPoint(x: 1, y: 1)) == 1)
    }
}
