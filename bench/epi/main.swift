// Benchmarks of the spatial epidemiology engine (release build: swift build -c release).
//
//   bench-epi tau                  tau, 50 bands of 20 m, 20,000 cases on 10 x 10 km, same serotype
//                                  within 20 days: indexed vs the naive all-pairs loop
//   bench-epi households --out DIR households within 100 m of each of 2,000 cases among 200,000
//                                  households; writes DIR/cases.csv and DIR/households.csv so that
//                                  run.sh can time PostGIS ST_DWithin on the same data
import Foundation
import Geodesy
import Epidemiology

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func fmt(_ v: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", v) }

/// The naive loop: every ordered pair, distance, band by division, relation.
func naiveTau(x: [Double], y: [Double], relation: StandardRelation, step: Double, bands: Int)
    -> (rel: [Int], unrel: [Int], global: (Int, Int)) {
    let n = x.count
    var rel = [Int](repeating: 0, count: bands), unrel = [Int](repeating: 0, count: bands)
    var gr = 0, gu = 0
    let maxR = step * Double(bands)
    for i in 0..<n {
        for j in 0..<n where j != i {
            let c = relation.classify(i, j)
            if c == .ignored { continue }
            let dx = x[i] - x[j], dy = y[i] - y[j]
            let d = (dx * dx + dy * dy).squareRoot()
            if c == .related { gr += 1 } else { gu += 1 }
            if d < maxR {
                var k = Int(d / step)
                if k >= bands { k = bands - 1 }
                while k > 0 && d < Double(k) * step { k -= 1 }
                while k + 1 < bands && d >= Double(k + 1) * step { k += 1 }
                if c == .related { rel[k] += 1 } else { unrel[k] += 1 }
            }
        }
    }
    return (rel, unrel, (gr, gu))
}

func benchTau() {
    let n = 20_000
    var rng = EpiRandom(seed: 2024)
    var x = [Double](), y = [Double](), t = [Double](), sero = [Int]()
    for _ in 0..<n {
        x.append(rng.unit() * 10_000); y.append(rng.unit() * 10_000)
        t.append(Double(rng.int(below: 365))); sero.append(rng.int(below: 4))
    }
    let relation = StandardRelation(count: n, group: sero, time: t, withinDays: 20)
    let bands = DistanceBand.range(low: 0, high: 1000, step: 20)
    var best = Double.infinity
    var fast: TauResult? = nil
    for _ in 0..<3 {
        let t0 = now()
        fast = Tau.compute(x: x, y: y, relation: relation, bands: bands, estimator: .independent)
        best = min(best, now() - t0)
    }
    let t0 = now()
    let naive = naiveTau(x: x, y: y, relation: relation, step: 20, bands: 50)
    let naiveTime = now() - t0
    var same = naive.global == (fast!.global.related, fast!.global.unrelated)
    for (k, b) in fast!.bands.enumerated() where b.related != naive.rel[k] || b.unrelated != naive.unrel[k] { same = false }
    print("bench 1: tau, \(n) cases, 50 bands of 20 m, same serotype within 20 days")
    print("  indexed: \(fmt(best)) s (best of 3), \(fmt(Double(n) / best, 0)) cases/s")
    print("  naive all-pairs loop: \(fmt(naiveTime)) s, \(fmt(Double(n) / naiveTime, 0)) cases/s")
    print("  speed-up: \(fmt(naiveTime / best, 1))x (target >= 20x); counts identical: \(same)")
}

func benchHouseholds(out: String?) {
    let nCases = 2_000, nHouses = 200_000
    var rng = EpiRandom(seed: 7)
    var hx = [Double](), hy = [Double](), cx = [Double](), cy = [Double]()
    for _ in 0..<nHouses { hx.append((rng.unit() * 10_000 * 100).rounded() / 100); hy.append((rng.unit() * 10_000 * 100).rounded() / 100) }
    for _ in 0..<nCases { cx.append((rng.unit() * 10_000 * 100).rounded() / 100); cy.append((rng.unit() * 10_000 * 100).rounded() / 100) }
    if let dir = out {
        var h = "id,x,y\n", c = "id,x,y\n"
        for i in 0..<nHouses { h += "\(i),\(hx[i]),\(hy[i])\n" }
        for i in 0..<nCases { c += "\(i),\(cx[i]),\(cy[i])\n" }
        try! h.write(toFile: dir + "/households.csv", atomically: true, encoding: .utf8)
        try! c.write(toFile: dir + "/cases.csv", atomically: true, encoding: .utf8)
    }
    var buildBest = Double.infinity, queryBest = Double.infinity
    var pairs = 0
    for _ in 0..<5 {
        let t0 = now()
        let index = GridIndex(x: hx, y: hy, cellSize: 100)
        let t1 = now()
        var total = 0
        for i in 0..<nCases {
            index.forEach(within: 100, of: PlanarPoint(x: cx[i], y: cy[i])) { _, _ in total += 1 }
        }
        let t2 = now()
        buildBest = min(buildBest, t1 - t0)
        queryBest = min(queryBest, t2 - t1)
        pairs = total
    }
    print("bench 2: households within 100 m of each case, \(nCases) cases, \(nHouses) households")
    print("  swift_pairs=\(pairs)")
    print("  swift_query_seconds=\(queryBest)")
    print("  swift_index_build_seconds=\(buildBest)")
}

let args = CommandLine.arguments.dropFirst()
switch args.first {
case "tau": benchTau()
case "households":
    var out: String? = nil
    if let k = args.firstIndex(of: "--out"), args.index(after: k) < args.endIndex { out = args[args.index(after: k)] }
    benchHouseholds(out: out)
default:
    benchTau()
    benchHouseholds(out: nil)
}
