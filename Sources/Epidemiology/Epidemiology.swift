// Spatial epidemiology: pi / theta / tau over distance bands, bootstrap intervals, the Knox test,
// the space-time permutation scan statistic and the spray-radius advisor.
//
// Definitions follow PRODUCT.md section 6: ordered pairs (i, j), i != j; half-open bands
// r_low <= d < r_high; a relation classifies each ordered pair as related, unrelated or ignored.
// Foundation only; planar coordinates in metres (project latitude/longitude with `Geodesy`).
import Foundation
import Geodesy

/// How a relation classifies an ordered pair (i, j).
public enum PairClass: UInt8, Sendable {
    case related = 1
    case unrelated = 2
    case ignored = 3
}

/// A relation function over ordered pairs of point indices.
public protocol PairRelation: Sendable {
    /// The class of the ordered pair (i, j), i != j.
    func classify(_ i: Int, _ j: Int) -> PairClass
    /// Related and unrelated totals over all ordered pairs (any distance), each pair (i, j)
    /// weighted by weights[i] * weights[j] (pairs with i == j never count). Return nil to let
    /// the engine count all pairs (O(n^2)).
    func globalCounts(weights: [Int]?) -> (related: Int, unrelated: Int)?
}

extension PairRelation {
    public func globalCounts(weights: [Int]?) -> (related: Int, unrelated: Int)? { nil }
}

/// A relation given by a closure (global totals are counted over all pairs).
public struct ClosureRelation: PairRelation {
    public let body: @Sendable (Int, Int) -> PairClass
    public init(_ body: @escaping @Sendable (Int, Int) -> PairClass) { self.body = body }
    public func classify(_ i: Int, _ j: Int) -> PairClass { body(i, j) }
}

/// pi / theta / tau estimator of tau.
public enum TauEstimator: String, Sendable, CaseIterable {
    /// tau = pi(band) / pi(global): for data representative of the underlying population.
    case representative
    /// tau = theta(band) / theta(global): for independently sampled data.
    case independent
}

/// A half-open distance band r_low <= d < r_high (metres).
public struct DistanceBand: Sendable, Hashable {
    public var low: Double
    public var high: Double
    public init(_ low: Double, _ high: Double) {
        self.low = low
        self.high = high
    }
    /// The band over all distances, [0, Inf).
    public static let all = DistanceBand(0, .infinity)

    /// Consecutive bands low, low+step, ..., up to high (the last one ends at `high`).
    /// With `cumulative`, every band starts at `low`: [low, low+step), [low, low+2 step), ...
    /// Edges are computed as low + k * step.
    public static func range(low: Double, high: Double, step: Double, cumulative: Bool = false) -> [DistanceBand] {
        precondition(low < high && step > 0)
        var edges: [Double] = []
        var k = 0
        while true {
            let e = low + Double(k) * step
            // Tolerate rounding so that 0:1000:20 gives exactly 50 bands.
            if e >= high || (high.isFinite && (high - e) <= 1e-9 * max(1, abs(high))) { break }
            edges.append(e)
            k += 1
            if !high.isFinite && k > 1_000_000 { break }
        }
        var bands: [DistanceBand] = []
        for (k, e) in edges.enumerated() {
            let upper = k + 1 < edges.count ? edges[k + 1] : high
            bands.append(DistanceBand(cumulative ? low : e, upper))
        }
        return bands
    }
}

/// The values for one band.
public struct BandStatistic: Sendable, Hashable {
    public var band: DistanceBand
    public var related: Int
    public var unrelated: Int
    public var pi: Double
    public var theta: Double
    public var tau: Double
}

/// Result of a tau analysis: one row per band and the global (all distances) row.
public struct TauResult: Sendable {
    public var bands: [BandStatistic]
    public var global: BandStatistic
    public var estimator: TauEstimator
}

/// Ratio with the special values of PRODUCT.md: x/0 = Inf for x > 0, 0/0 = NaN.
@inlinable
public func epiRatio(_ x: Double, _ y: Double) -> Double {
    if y == 0 { return x > 0 ? .infinity : (x == 0 ? .nan : -.infinity) }
    return x / y
}

/// tau from a band value and the global value: 1 when they are equal and non-zero, NaN when
/// equal and zero, plain division otherwise (Inf / Inf = 1, 0 / 0 = NaN, x / Inf = 0, ...).
@inlinable
public func epiTau(_ band: Double, _ global: Double) -> Double {
    if band == global { return band != 0 ? 1 : .nan }
    if band == 0 && global == 0 { return .nan }
    return epiRatio(band, global)
}

/// pi = related / (related + unrelated).
public func epiPi(related: Int, unrelated: Int) -> Double {
    epiRatio(Double(related), Double(related + unrelated))
}

/// theta = related / unrelated.
public func epiTheta(related: Int, unrelated: Int) -> Double {
    epiRatio(Double(related), Double(unrelated))
}
