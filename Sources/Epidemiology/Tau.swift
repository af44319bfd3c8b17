import Foundation
import Geodesy

/// Counts of related and unrelated ordered pairs per elementary distance interval.
struct BandedCounts {
    /// Sorted distinct finite edges e_0 < ... < e_m.
    var edges: [Double]
    /// slot 0: d < e_0; slot k + 1: e_k <= d < e_{k+1}; slot m + 1: d >= e_m (from the totals).
    var related: [Int]
    var unrelated: [Int]

    /// Sum over slots for a band (its edges are among `edges`, or high is +Inf).
    func sum(_ band: DistanceBand) -> (Int, Int) {
        let a = slotStart(band.low)
        let b = band.high == .infinity ? related.count : slotStart(band.high)
        var r = 0, u = 0
        if a < b { for s in a..<b { r += related[s]; u += unrelated[s] } }
        return (r, u)
    }

    private func slotStart(_ edge: Double) -> Int {
        if edge == -.infinity || edge <= 0 && (edges.first ?? 0) > 0 && edge < edges[0] { return 0 }
        guard let k = edges.firstIndex(of: edge) else { return 0 }
        return k + 1
    }
}

/// The spatial pair-counting engine behind tau.
public enum PairCounter {
    /// Classify both orders of an unordered pair and add weight to the slot.
    @inline(__always)
    static func add<R: PairRelation>(_ relation: R, _ i: Int, _ j: Int, _ slot: Int, _ w: Int,
                                      _ rel: inout [Int], _ unrel: inout [Int]) {
        switch relation.classify(i, j) {
        case .related: rel[slot] &+= w
        case .unrelated: unrel[slot] &+= w
        case .ignored: break
        }
        switch relation.classify(j, i) {
        case .related: rel[slot] &+= w
        case .unrelated: unrel[slot] &+= w
        case .ignored: break
        }
    }

    static func edges(for bands: [DistanceBand]) -> [Double] {
        var e = Set<Double>()
        for b in bands {
            if b.low.isFinite { e.insert(b.low) }
            if b.high.isFinite { e.insert(b.high) }
        }
        return e.sorted()
    }

    /// Slot of a distance d < e_m among `edges` (d >= 0).
    @inline(__always)
    static func slot(_ d: Double, _ edges: UnsafeBufferPointer<Double>, uniformStep: Double?) -> Int {
        let m = edges.count
        if d < edges[0] { return 0 }
        var k: Int
        if let step = uniformStep {
            k = min(m - 1, Int((d - edges[0]) / step))
            while k > 0 && d < edges[k] { k -= 1 }
            while k + 1 < m && d >= edges[k + 1] { k += 1 }
        } else {
            var lo = 0, hi = m - 1 // largest k with edges[k] <= d
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if edges[mid] <= d { lo = mid } else { hi = mid - 1 }
            }
            k = lo
        }
        return k + 1
    }

    /// Indexed banded counts; work grows with the number of pairs closer than the largest finite
    /// edge. Pairs beyond it are obtained from the relation's global totals (or an all-pairs loop
    /// when the relation has none).
    @_specialize(where R == StandardRelation)
    static func indexedCounts<R: PairRelation>(x: [Double], y: [Double], relation: R, bands: [DistanceBand],
                                               weights: [Int]? = nil, index: GridIndex? = nil) -> (BandedCounts, (Int, Int)) {
        let e = edges(for: bands)
        let global = relation.globalCounts(weights: weights) ?? naiveGlobal(n: x.count, relation: relation, weights: weights)
        var rel = [Int](repeating: 0, count: e.count + 2)
        var unrel = [Int](repeating: 0, count: e.count + 2)
        guard let maxEdge = e.last else {
            rel[0] = global.0; unrel[0] = global.1
            return (BandedCounts(edges: e, related: Array(rel.prefix(1)), unrelated: Array(unrel.prefix(1))), global)
        }
        var uniform: Double? = nil
        if e.count >= 2 {
            let step = e[1] - e[0]
            var ok = step > 0
            for k in 1..<e.count where ok { if abs((e[k] - e[0]) - Double(k) * step) > 1e-9 * max(1, abs(e[k])) { ok = false } }
            if ok { uniform = step }
        }
        let grid = index ?? GridIndex(x: x, y: y, cellSize: maxEdge / 2)
        e.withUnsafeBufferPointer { eb in
            if let w = weights {
                grid.forEachPair(within: maxEdge) { i, j, d in
                    if d >= maxEdge { return }
                    let ww = w[i] * w[j]
                    if ww == 0 { return }
                    add(relation, i, j, slot(d, eb, uniformStep: uniform), ww, &rel, &unrel)
                }
            } else {
                grid.forEachPair(within: maxEdge) { i, j, d in
                    if d >= maxEdge { return }
                    add(relation, i, j, slot(d, eb, uniformStep: uniform), 1, &rel, &unrel)
                }
            }
        }
        let last = e.count + 1
        var sr = 0, su = 0
        for s in 0..<last { sr += rel[s]; su += unrel[s] }
        rel[last] = global.0 - sr
        unrel[last] = global.1 - su
        return (BandedCounts(edges: e, related: rel, unrelated: unrel), global)
    }

    /// Global totals by visiting all ordered pairs.
    static func naiveGlobal<R: PairRelation>(n: Int, relation: R, weights: [Int]?) -> (Int, Int) {
        var r = 0, u = 0
        for i in 0..<n {
            let wi = weights?[i] ?? 1
            if wi == 0 { continue }
            for j in 0..<n where j != i {
                let ww = wi * (weights?[j] ?? 1)
                switch relation.classify(i, j) {
                case .related: r += ww
                case .unrelated: u += ww
                case .ignored: break
                }
            }
        }
        return (r, u)
    }

    /// Related / unrelated ordered-pair counts per band, by the index. Bands may overlap and
    /// may end at +Inf.
    @_specialize(where R == StandardRelation)
    public static func bandCounts<R: PairRelation>(x: [Double], y: [Double], relation: R,
                                                   bands: [DistanceBand], weights: [Int]? = nil)
        -> (bands: [(related: Int, unrelated: Int)], global: (related: Int, unrelated: Int)) {
        let (counts, global) = indexedCounts(x: x, y: y, relation: relation, bands: bands, weights: weights)
        return (bands.map { let (r, u) = counts.sum($0); return (r, u) }, global)
    }

    /// The same counts by the naive loop over all ordered pairs (the reference for tests and
    /// benchmarks): O(n^2).
    public static func naiveBandCounts<R: PairRelation>(x: [Double], y: [Double], relation: R,
                                                        bands: [DistanceBand])
        -> (bands: [(related: Int, unrelated: Int)], global: (related: Int, unrelated: Int)) {
        let n = x.count
        var rel = [Int](repeating: 0, count: bands.count)
        var unrel = [Int](repeating: 0, count: bands.count)
        var gr = 0, gu = 0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let c = relation.classify(i, j)
                if c == .ignored { continue }
                let dx = x[i] - x[j], dy = y[i] - y[j]
                let d = (dx * dx + dy * dy).squareRoot()
                if c == .related { gr += 1 } else { gu += 1 }
                for (k, b) in bands.enumerated() where b.low <= d && d < b.high {
                    if c == .related { rel[k] += 1 } else { unrel[k] += 1 }
                }
            }
        }
        return ((0..<bands.count).map { (rel[$0], unrel[$0]) }, (gr, gu))
    }
}

/// pi, theta and tau over distance bands.
public enum Tau {
    /// Builds the statistics from counts.
    public static func statistics(bands: [DistanceBand], counts: [(related: Int, unrelated: Int)],
                                  global: (related: Int, unrelated: Int), estimator: TauEstimator) -> TauResult {
        let gPi = epiPi(related: global.related, unrelated: global.unrelated)
        let gTheta = epiTheta(related: global.related, unrelated: global.unrelated)
        func row(_ band: DistanceBand, _ r: Int, _ u: Int) -> BandStatistic {
            let p = epiPi(related: r, unrelated: u)
            let t = epiTheta(related: r, unrelated: u)
            let tau = estimator == .representative ? epiTau(p, gPi) : epiTau(t, gTheta)
            return BandStatistic(band: band, related: r, unrelated: u, pi: p, theta: t, tau: tau)
        }
        let rows = zip(bands, counts).map { row($0, $1.related, $1.unrelated) }
        return TauResult(bands: rows, global: row(.all, global.related, global.unrelated), estimator: estimator)
    }

    /// tau over `bands` for points (x, y) and a relation, using the spatial index.
    @_specialize(where R == StandardRelation)
    public static func compute<R: PairRelation>(x: [Double], y: [Double], relation: R, bands: [DistanceBand],
                                                estimator: TauEstimator = .representative) -> TauResult {
        let c = PairCounter.bandCounts(x: x, y: y, relation: relation, bands: bands)
        return statistics(bands: bands, counts: c.bands, global: c.global, estimator: estimator)
    }

    /// The same by the naive all-pairs loop (reference implementation).
    public static func computeNaive<R: PairRelation>(x: [Double], y: [Double], relation: R, bands: [DistanceBand],
                                                     estimator: TauEstimator = .representative) -> TauResult {
        let c = PairCounter.naiveBandCounts(x: x, y: y, relation: relation, bands: bands)
        return statistics(bands: bands, counts: c.bands, global: c.global, estimator: estimator)
    }
}
