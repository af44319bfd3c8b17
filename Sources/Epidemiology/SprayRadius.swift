import Foundation
import Geodesy

/// The spray-radius advisor (PRODUCT.md section 6): from a tenant's own cases it estimates the
/// distance up to which the risk of a linked case (onset within one serial interval) is raised,
/// and for candidate radii the share of later linked cases a ring would have covered against the
/// households it would spray. It never recommends less than the national 100 m unless told to.
public enum SprayRadiusAdvisor {
    public struct Options: Sendable {
        /// Two cases are linked when their onsets are at most this many days apart.
        public var serialIntervalDays: Double = 20
        /// Candidate radii in metres (ascending); rings for tau are the gaps between them.
        public var candidates: [Double] = stride(from: 50.0, through: 500.0, by: 50.0).map { $0 }
        public var replicates: Int = 200
        public var seed: UInt64 = 1
        /// The floor (national standard 100 m); lower it only by explicit override.
        public var minimumRadius: Double = 100
        public var estimator: TauEstimator = .independent
        public init() {}
    }

    public struct Ring: Sendable {
        public var low: Double
        public var high: Double
        public var related: Int
        public var unrelated: Int
        public var tau: Double
        public var ciLower: Double
        public var ciUpper: Double
    }

    public struct Candidate: Sendable {
        public var radius: Double
        /// Later linked cases (onset 1..serial interval days after a case) within the radius.
        public var linkedCovered: Int
        /// linkedCovered / all later linked pairs.
        public var linkedShare: Double
        /// Mean number of households within the radius of a case (nil without households).
        public var householdsPerCase: Double?
    }

    public struct Advice: Sendable {
        public var cases: Int
        public var households: Int?
        public var serialIntervalDays: Double
        public var rings: [Ring]
        /// Outer edge of the last ring, counting from 0 m without a gap, whose tau and lower
        /// confidence limit both exceed 1; nil when the first ring is not raised.
        public var raisedUpTo: Double?
        public var laterLinkedPairs: Int
        public var candidates: [Candidate]
        public var recommendedRadius: Double
        public var minimumRadius: Double
        public var reasonEnglish: String
        public var reasonThai: String
    }

    public static func advise(x: [Double], y: [Double], onset: [Double],
                              households: [PlanarPoint]? = nil, options o: Options = Options()) -> Advice {
        let n = x.count
        let radii = o.candidates.sorted()
        var edges = [0.0]
        for r in radii where r > 0 { edges.append(r) }
        let bands = zip(edges, edges.dropFirst()).map { DistanceBand($0, $1) }
        let relation = StandardRelation(count: n, time: onset, withinDays: o.serialIntervalDays)
        let tau = Tau.compute(x: x, y: y, relation: relation, bands: bands, estimator: o.estimator)
        let boot = TauBootstrap.run(x: x, y: y, relation: relation, bands: bands, estimator: o.estimator,
                                    replicates: o.replicates, seed: o.seed)
        let rings = tau.bands.enumerated().map { k, b in
            Ring(low: b.band.low, high: b.band.high, related: b.related, unrelated: b.unrelated, tau: b.tau,
                 ciLower: boot.intervals[k].lower, ciUpper: boot.intervals[k].upper)
        }
        var raised: Double? = nil
        for r in rings {
            if r.tau > 1 && r.ciLower > 1 { raised = r.high } else { break }
        }
        // Later linked pairs: 0 < t_j - t_i <= serial interval.
        let sortedT = onset.sorted()
        var later = 0
        var lo = 0, hi = 0
        for i in 0..<n {
            let ti = sortedT[i]
            while lo < n && sortedT[lo] <= ti { lo += 1 }
            if hi < lo { hi = lo }
            while hi < n && sortedT[hi] - ti <= o.serialIntervalDays { hi += 1 }
            later += hi - lo
        }
        let maxR = radii.last ?? 0
        var coveredAt = [Int](repeating: 0, count: radii.count)
        GridIndex(x: x, y: y, cellSize: max(maxR, 1)).forEachPair(within: maxR) { i, j, d in
            let dt = abs(onset[i] - onset[j])
            guard dt > 0 && dt <= o.serialIntervalDays else { return }
            for (k, r) in radii.enumerated() where d <= r { coveredAt[k] += 1 }
        }
        var perCase: [Double]? = nil
        if let h = households {
            let index = GridIndex(points: h, cellSize: max(maxR, 1))
            perCase = radii.map { r in
                guard n > 0 else { return 0 }
                var total = 0
                for i in 0..<n { total += index.count(within: r, of: PlanarPoint(x: x[i], y: y[i])) }
                return Double(total) / Double(n)
            }
        }
        let candidates = radii.enumerated().map { k, r in
            Candidate(radius: r, linkedCovered: coveredAt[k], linkedShare: epiRatio(Double(coveredAt[k]), Double(later)),
                      householdsPerCase: perCase?[k])
        }
        // Recommendation: the smallest candidate covering the raised distance, never below the floor.
        var recommended = radii.first(where: { $0 >= (raised ?? 0) }) ?? maxR
        recommended = max(recommended, o.minimumRadius)
        let cand = candidates.first { $0.radius == recommended }
        func fmt(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
        func pct(_ v: Double?) -> String { guard let v, v.isFinite else { return "n/a" }; return String(format: "%.0f%%", v * 100) }
        let si = fmt(o.serialIntervalDays)
        var en: String, th: String
        if let r = raised {
            en = "Cases with onsets within \(si) days of each other are clearly more likely than chance to live within \(fmt(r)) m of each other (tau and its 95% bootstrap interval above 1)."
            th = "ผู้ป่วยที่เริ่มป่วยห่างกันไม่เกิน \(si) วัน อยู่ใกล้กันในระยะ \(fmt(r)) เมตร บ่อยกว่าที่เกิดโดยบังเอิญอย่างชัดเจน (ค่า tau และช่วงความเชื่อมั่น 95% แบบ bootstrap สูงกว่า 1)"
        } else {
            en = "The data show no clear excess of linked cases (onsets within \(si) days) at short distance, so the radius falls back to the standard."
            th = "ข้อมูลไม่พบผู้ป่วยที่เชื่อมโยงกัน (เริ่มป่วยห่างกันไม่เกิน \(si) วัน) ในระยะใกล้มากกว่าที่คาดอย่างชัดเจน จึงใช้รัศมีตามมาตรฐาน"
        }
        if let c = cand {
            en += " Spraying \(fmt(recommended)) m around each case would have covered \(pct(c.linkedShare)) of later linked cases"
            th += " การพ่นรัศมี \(fmt(recommended)) เมตรรอบบ้านผู้ป่วยแต่ละราย จะครอบคลุมผู้ป่วยที่เชื่อมโยงกันรายต่อมา \(pct(c.linkedShare))"
            if let h = c.householdsPerCase {
                en += " at about \(String(format: "%.0f", h)) households per case."
                th += " โดยต้องพ่นประมาณ \(String(format: "%.0f", h)) หลังคาเรือนต่อผู้ป่วยหนึ่งราย"
            } else {
                en += "."
            }
        }
        if (raised ?? 0) < o.minimumRadius && recommended == o.minimumRadius {
            en += " The recommendation is never below \(fmt(o.minimumRadius)) m" + (o.minimumRadius >= 100 ? " (national standard)." : " (your override).")
            th += " รัศมีที่แนะนำไม่ต่ำกว่า \(fmt(o.minimumRadius)) เมตร" + (o.minimumRadius >= 100 ? " (มาตรฐานระดับประเทศ)" : " (ตามที่กำหนดเอง)")
        }
        return Advice(cases: n, households: households?.count, serialIntervalDays: o.serialIntervalDays, rings: rings,
                      raisedUpTo: raised, laterLinkedPairs: later, candidates: candidates,
                      recommendedRadius: recommended, minimumRadius: o.minimumRadius,
                      reasonEnglish: en, reasonThai: th)
    }
}
