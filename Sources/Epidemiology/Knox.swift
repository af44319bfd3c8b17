import Foundation
import Geodesy

/// The Knox test for space-time interaction over unordered pairs.
public struct KnoxResult: Sendable {
    public var n: Int
    public var pairs: Int
    public var closeBoth: Int
    public var closeSpaceOnly: Int
    public var closeTimeOnly: Int
    public var closeNeither: Int
    /// E = (pairs close in space) x (pairs close in time) / (all pairs).
    public var expected: Double
    /// P(Pois(E) > X), X = closeBoth.
    public var pPoisson: Double
    /// (1 + #{X_b >= X}) / (B + 1) over B permutations of the times; nil when B = 0.
    public var pPermutation: Double?
    public var permutations: Int
}

/// Upper tail of the Poisson distribution, P(Pois(mean) > x), accurate in both tails.
public func poissonUpperTail(mean: Double, greaterThan x: Int) -> Double {
    if x < 0 { return 1 }
    if mean <= 0 { return 0 }
    func logPmf(_ k: Int) -> Double { -mean + Double(k) * log(mean) - lgamma(Double(k) + 1) }
    if Double(x + 1) >= mean {
        // Sum the right tail directly: terms decrease from k = x + 1 on.
        var k = x + 1
        var term = exp(logPmf(k))
        var sum = 0.0
        while term > 0 {
            sum += term
            k += 1
            term *= mean / Double(k)
            if term < sum * 1e-17 { break }
        }
        return sum
    } else {
        // 1 - P(X <= x); the left part is the small one here. Sum downwards from x.
        var term = exp(logPmf(x))
        var sum = 0.0
        var k = x
        while k >= 0 && term > 0 {
            sum += term
            if term < sum * 1e-17 { break }
            term *= Double(k) / mean
            k -= 1
        }
        return 1 - sum
    }
}

public enum Knox {
    /// Knox test: close in space when distance <= `distance`, close in time when |dt| <= `days`.
    public static func test(x: [Double], y: [Double], t: [Double], distance: Double, days: Double,
                            permutations: Int = 0, seed: UInt64 = 1) -> KnoxResult {
        let n = x.count
        let pairs = n * (n - 1) / 2
        // Pairs close in space (grid), each unordered pair once.
        var spaceI: [Int32] = [], spaceJ: [Int32] = []
        let grid = GridIndex(x: x, y: y, cellSize: distance > 0 ? distance : 1)
        grid.forEachPair(within: distance) { i, j, _ in
            spaceI.append(Int32(i)); spaceJ.append(Int32(j))
        }
        let closeSpace = spaceI.count
        // Pairs close in time: sort, two pointers.
        let ts = t.sorted()
        var closeTime = 0
        var hi = 0
        for i in 0..<n {
            if hi < i + 1 { hi = i + 1 }
            while hi < n && ts[hi] - ts[i] <= days { hi += 1 }
            closeTime += hi - i - 1
        }
        func closeBoth(_ times: [Double]) -> Int {
            var c = 0
            for k in 0..<spaceI.count where abs(times[Int(spaceI[k])] - times[Int(spaceJ[k])]) <= days { c += 1 }
            return c
        }
        let x0 = closeBoth(t)
        let expected = pairs > 0 ? Double(closeSpace) * Double(closeTime) / Double(pairs) : .nan
        var pPerm: Double? = nil
        if permutations > 0 {
            var rng = EpiRandom(seed: seed)
            var perm = t
            var atLeast = 0
            for _ in 0..<permutations {
                rng.shuffle(&perm)
                if closeBoth(perm) >= x0 { atLeast += 1 }
            }
            pPerm = Double(1 + atLeast) / Double(permutations + 1)
        }
        return KnoxResult(n: n, pairs: pairs, closeBoth: x0, closeSpaceOnly: closeSpace - x0,
                          closeTimeOnly: closeTime - x0, closeNeither: pairs - closeSpace - closeTime + x0,
                          expected: expected, pPoisson: poissonUpperTail(mean: expected, greaterThan: x0),
                          pPermutation: pPerm, permutations: permutations)
    }
}
