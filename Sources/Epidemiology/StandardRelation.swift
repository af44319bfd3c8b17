import Foundation

/// The relation rules of PRODUCT.md with fast global totals (O(n log n), no all-pairs loop).
///
/// - Plain rule: (i, j) is related when i and j are in the same `group` (e.g. same serotype;
///   nil = one group) and |t_i - t_j| <= `withinDays` (when given); unrelated otherwise.
/// - Typed rule (`typeA`/`typeB` given): pairs whose first point is not of type A are ignored;
///   related when the second point is of type B and the plain conditions hold; unrelated otherwise.
/// - Population controls (`isControl` given): pairs whose first point is a control are ignored;
///   case -> control pairs are unrelated; case -> case pairs are related when the relation holds,
///   else ignored.
public struct StandardRelation: PairRelation {
    public let count: Int
    public let group: [Int]?
    public let time: [Double]?
    public let withinDays: Double?
    public let isControl: [Bool]?
    public let typeA: [Bool]?
    public let typeB: [Bool]?

    public init(count: Int, group: [Int]? = nil, time: [Double]? = nil, withinDays: Double? = nil,
                isControl: [Bool]? = nil, typeA: [Bool]? = nil, typeB: [Bool]? = nil) {
        precondition(withinDays == nil || time != nil, "withinDays needs times")
        precondition((typeA == nil) == (typeB == nil), "typeA and typeB go together")
        self.count = count
        self.group = group
        self.time = time
        self.withinDays = withinDays
        self.isControl = isControl
        self.typeA = typeA
        self.typeB = typeB
    }

    @inlinable
    public func classify(_ i: Int, _ j: Int) -> PairClass {
        if let c = isControl, c[i] { return .ignored }
        if let a = typeA, !a[i] { return .ignored }
        if let c = isControl, c[j] { return .unrelated }
        var holds = true
        if let b = typeB, !b[j] { holds = false }
        if holds, let g = group, g[i] != g[j] { holds = false }
        if holds, let w = withinDays, let t = time, !(abs(t[i] - t[j]) <= w) { holds = false }
        if holds { return .related }
        return isControl != nil ? .ignored : .unrelated
    }

    /// First points that can count (not a control, of type A).
    func firstEligible(_ i: Int) -> Bool {
        if let c = isControl, c[i] { return false }
        if let a = typeA, !a[i] { return false }
        return true
    }

    /// Second points that can make a related pair (not a control, of type B).
    func secondEligible(_ j: Int) -> Bool {
        if let c = isControl, c[j] { return false }
        if let b = typeB, !b[j] { return false }
        return true
    }

    public func globalCounts(weights: [Int]?) -> (related: Int, unrelated: Int)? {
        let n = count
        @inline(__always) func w(_ i: Int) -> Int { weights?[i] ?? 1 }
        // Related: per group, second-eligible points sorted by time with weight prefix sums.
        var members: [Int: [Int]] = [:]
        for j in 0..<n where secondEligible(j) && w(j) > 0 {
            members[group?[j] ?? 0, default: []].append(j)
        }
        var sortedTimes: [Int: [Double]] = [:]
        var prefix: [Int: [Int]] = [:]
        var groupWeight: [Int: Int] = [:]
        for (g, list) in members {
            let sorted = time != nil ? list.sorted { time![$0] < time![$1] } : list
            if let t = time { sortedTimes[g] = sorted.map { t[$0] } }
            var p = [0]
            p.reserveCapacity(sorted.count + 1)
            for j in sorted { p.append(p.last! + w(j)) }
            prefix[g] = p
            groupWeight[g] = p.last!
        }
        var related = 0
        var firstWeight = 0
        for i in 0..<n where firstEligible(i) && w(i) > 0 {
            let wi = w(i)
            firstWeight += wi
            let g = group?[i] ?? 0
            guard let p = prefix[g] else { continue }
            var sum: Int
            if let within = withinDays, let ts = sortedTimes[g], let t = time {
                let ti = t[i]
                // First index with |t_k - t_i| <= within (predicate monotone on sorted times).
                var lo = 0, hi = ts.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if ts[mid] >= ti || abs(ti - ts[mid]) <= within { hi = mid } else { lo = mid + 1 }
                }
                let start = lo
                lo = start; hi = ts.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if ts[mid] > ti && !(abs(ts[mid] - ti) <= within) { hi = mid } else { lo = mid + 1 }
                }
                sum = p[lo] - p[start]
            } else {
                sum = groupWeight[g] ?? 0
            }
            if secondEligible(i) { sum -= wi } // never pair with itself or its own copies
            related += wi * sum
        }
        var unrelated: Int
        if let c = isControl {
            var controls = 0
            for j in 0..<n where c[j] { controls += w(j) }
            unrelated = firstWeight * controls
        } else {
            var total = 0
            for j in 0..<n { total += w(j) }
            var all = 0
            for i in 0..<n where firstEligible(i) { all += w(i) * (total - w(i)) }
            unrelated = all - related
        }
        return (related, unrelated)
    }
}
