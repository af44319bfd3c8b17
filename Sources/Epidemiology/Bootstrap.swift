import Foundation
import Geodesy

/// A confidence interval (2.5 % and 97.5 % quantiles by default).
public struct ConfidenceInterval: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
}

/// Sample quantile, R's default (type 7: linear interpolation between order statistics).
/// NaN values are dropped; returns NaN for an empty sample.
public func epiQuantile(_ values: [Double], _ p: Double) -> Double {
    let v = values.filter { !$0.isNaN }.sorted()
    guard !v.isEmpty else { return .nan }
    let h = Double(v.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(v.count - 1, lo + 1)
    let frac = h - Double(lo)
    if frac == 0 || v[lo] == v[hi] { return v[lo] }
    return v[lo] + frac * (v[hi] - v[lo])
}

/// Bootstrap of tau: cases resampled with replacement; the pair counts of a replicate are the
/// original ordered pairs (i, j), i != j, weighted by (copies of i) x (copies of j), so a case
/// never pairs with its own copy.
public enum TauBootstrap {
    public struct Result: Sendable {
        /// One interval per band.
        public var intervals: [ConfidenceInterval]
        /// replicates[b][k] = tau of band k in replicate b.
        public var replicates: [[Double]]
    }

    /// Runs `replicates` bootstrap replicates with a seeded generator (reproducible).
    /// `resampleMask`: only these points are resampled (e.g. cases when population controls are
    /// present; the others keep weight 1). Default: all points.
    public static func run<R: PairRelation>(x: [Double], y: [Double], relation: R, bands: [DistanceBand],
                                            estimator: TauEstimator, replicates: Int, seed: UInt64,
                                            resampleMask: [Bool]? = nil,
                                            levels: (Double, Double) = (0.025, 0.975)) -> Result {
        let n = x.count
        var rng = EpiRandom(seed: seed)
        let pool = (0..<n).filter { resampleMask?[$0] ?? true }
        let e = PairCounter.edges(for: bands)
        let grid = GridIndex(x: x, y: y, cellSize: (e.last ?? 2) / 2)
        var all: [[Double]] = []
        all.reserveCapacity(replicates)
        for _ in 0..<replicates {
            var w = [Int](repeating: 0, count: n)
            for i in 0..<n where !(resampleMask?[i] ?? true) { w[i] = 1 }
            for _ in 0..<pool.count { w[pool[rng.int(below: pool.count)]] += 1 }
            let (counts, global) = PairCounter.indexedCounts(x: x, y: y, relation: relation, bands: bands,
                                                             weights: w, index: grid)
            let rows = Tau.statistics(bands: bands, counts: bands.map { counts.sum($0) }.map { ($0.0, $0.1) },
                                      global: global, estimator: estimator)
            all.append(rows.bands.map(\.tau))
        }
        let intervals = (0..<bands.count).map { k -> ConfidenceInterval in
            let column = all.map { $0[k] }
            return ConfidenceInterval(lower: epiQuantile(column, levels.0), upper: epiQuantile(column, levels.1))
        }
        return Result(intervals: intervals, replicates: all)
    }
}
