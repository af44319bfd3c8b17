import Foundation
import Geodesy

/// Space-time permutation scan statistic (Kulldorff et al. 2005).
///
/// Cylinders: circles centred on each location that grow by adding locations one at a time in
/// order of distance (ties in location order: first appearance in the case file, then the
/// coordinates file), times time windows [start, end] in whole time units. Prospective analyses
/// only use windows that end at the study end. For a cylinder with c cases,
/// mu = (cases in the circle over the whole period) x (cases in the window everywhere) / C and,
/// for c > mu, LLR = c ln(c/mu) + (C - c) ln((C - c)/(C - mu)).
/// Windows are tightened to the circle's own case times, which never lowers the LLR.
public struct SpaceTimeScan: Sendable {
    public struct Location: Sendable, Hashable {
        public var id: String
        public var x: Double
        public var y: Double
        public init(id: String, x: Double, y: Double) { self.id = id; self.x = x; self.y = y }
    }

    public struct Options: Sendable {
        public var start: Double
        public var end: Double
        public var prospective: Bool = false
        /// Largest circle as a share of all cases (SaTScan: percent of population at risk).
        public var maxSpatialShare: Double = 0.5
        /// Largest circle radius (same units as the coordinates), if any.
        public var maxRadius: Double? = nil
        /// Longest window as a share of the study period (end - start + 1 time units).
        public var maxTemporalShare: Double = 0.5
        /// Smallest number of cases in a reported cluster.
        public var minCases: Int = 2
        public var permutations: Int = 0
        public var seed: UInt64 = 1
        public init(start: Double, end: Double) { self.start = start; self.end = end }
    }

    public struct Cluster: Sendable {
        public var locations: [String]
        public var centre: (x: Double, y: Double)
        public var radius: Double
        public var start: Double
        public var end: Double
        public var observed: Int
        public var expected: Double
        public var llr: Double
        public var pValue: Double?
    }

    public let locations: [Location]
    /// Individual cases: location index and time.
    public let caseLocation: [Int]
    public let caseTime: [Double]

    public init(locations: [Location], caseLocation: [Int], caseTime: [Double]) {
        self.locations = locations
        self.caseLocation = caseLocation
        self.caseTime = caseTime
    }

    /// The log-likelihood ratio of the space-time permutation model (0 unless c > mu).
    public static func llr(c: Double, mu: Double, total C: Double) -> Double {
        guard c > mu, mu > 0 else { return 0 }
        var v = c * log(c / mu)
        if C - c > 0 { v += (C - c) * log((C - c) / (C - mu)) }
        return v
    }

    struct Best { var llr = 0.0; var size = 0; var s = 0; var e = 0; var c = 0; var mu = 0.0 }

    /// Circles: for each centre, the neighbour order and distances.
    private func neighbourOrders() -> [[(Int, Double)]] {
        locations.indices.map { c in
            let p = locations[c]
            return locations.indices.map { j -> (Int, Double) in
                let dx = locations[j].x - p.x, dy = locations[j].y - p.y
                return (j, (dx * dx + dy * dy).squareRoot())
            }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        }
    }

    /// Scans with the given case times; returns the best cylinder per centre (or only the overall
    /// maximum LLR when `maxOnly`).
    private func scan(times: [Double], options o: Options, orders: [[(Int, Double)]],
                      timeValues: [Double], maxOnly: Bool) -> (perCentre: [Best], maxLLR: Double) {
        let L = locations.count
        let T = timeValues.count
        let C = Double(times.count)
        // counts[loc][timeIndex]
        var timeIndex: [Double: Int] = [:]
        for (k, v) in timeValues.enumerated() { timeIndex[v] = k }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: T), count: L)
        var locTotal = [Int](repeating: 0, count: L)
        var everywhere = [Int](repeating: 0, count: T)
        for k in 0..<times.count {
            let ti = timeIndex[times[k]]!
            counts[caseLocation[k]][ti] += 1
            locTotal[caseLocation[k]] += 1
            everywhere[ti] += 1
        }
        var allPrefix = [Int](repeating: 0, count: T + 1)
        for k in 0..<T { allPrefix[k + 1] = allPrefix[k] + everywhere[k] }
        let periodLength = o.end - o.start + 1
        let maxLength = (o.maxTemporalShare * periodLength + 1e-9).rounded(.down)
        let maxCases = o.maxSpatialShare * C + 1e-9
        var perCentre = [Best](repeating: Best(), count: L)
        var globalMax = 0.0
        var circle = [Int](repeating: 0, count: T)
        var circlePrefix = [Int](repeating: 0, count: T + 1)
        for centre in 0..<L {
            for k in 0..<T { circle[k] = 0 }
            var circleTotal = 0
            var best = Best()
            for (size, (loc, dist)) in orders[centre].enumerated() {
                if let r = o.maxRadius, dist > r { break }
                if Double(circleTotal + locTotal[loc]) > maxCases { break }
                circleTotal += locTotal[loc]
                for k in 0..<T where counts[loc][k] != 0 { circle[k] += counts[loc][k] }
                if locTotal[loc] == 0 && size > 0 { continue } // same cylinders as the smaller circle
                if circleTotal < o.minCases { continue }
                for k in 0..<T { circlePrefix[k + 1] = circlePrefix[k] + circle[k] }
                let nt = Double(circleTotal)
                // Windows [timeValues[s], timeValues[e]] with cases of the circle at s (and at e).
                if o.prospective {
                    let e = T - 1
                    var s = e
                    while s >= 0 {
                        if o.end - timeValues[s] + 1 > maxLength { break }
                        if circle[s] != 0 {
                            let c = circlePrefix[e + 1] - circlePrefix[s]
                            let n = allPrefix[e + 1] - allPrefix[s]
                            let mu = nt * Double(n) / C
                            if c >= o.minCases {
                                let v = Self.llr(c: Double(c), mu: mu, total: C)
                                if v > best.llr { best = Best(llr: v, size: size + 1, s: s, e: e, c: c, mu: mu) }
                            }
                        }
                        s -= 1
                    }
                } else {
                    for s in 0..<T where circle[s] != 0 {
                        var e = s
                        while e < T {
                            if timeValues[e] - timeValues[s] + 1 > maxLength { break }
                            if circle[e] != 0 {
                                let c = circlePrefix[e + 1] - circlePrefix[s]
                                if c >= o.minCases {
                                    let n = allPrefix[e + 1] - allPrefix[s]
                                    let mu = nt * Double(n) / C
                                    let v = Self.llr(c: Double(c), mu: mu, total: C)
                                    if v > best.llr { best = Best(llr: v, size: size + 1, s: s, e: e, c: c, mu: mu) }
                                }
                            }
                            e += 1
                        }
                    }
                }
            }
            perCentre[centre] = best
            globalMax = max(globalMax, best.llr)
        }
        return (perCentre, globalMax)
    }

    /// Runs the scan: clusters that share no location with a more likely one, in decreasing LLR,
    /// with Monte Carlo p-values (1 + #{max LLR of a permuted data set >= LLR}) / (B + 1) when
    /// permutations > 0.
    public func run(_ o: Options) -> [Cluster] {
        // Time axis: the case times plus the study end (prospective windows end there).
        var tv = Set(caseTime)
        tv.insert(o.end)
        let timeValues = tv.sorted()
        let orders = neighbourOrders()
        let observed = scan(times: caseTime, options: o, orders: orders, timeValues: timeValues, maxOnly: false)
        var candidates = observed.perCentre.enumerated().filter { $0.element.llr > 0 }
        candidates.sort { $0.element.llr > $1.element.llr || ($0.element.llr == $1.element.llr && $0.offset < $1.offset) }
        var used = Set<Int>()
        var clusters: [(Cluster, Double)] = []
        for (centre, b) in candidates {
            let members = orders[centre].prefix(b.size).map(\.0)
            if members.contains(where: used.contains) { continue }
            used.formUnion(members)
            let radius = orders[centre][b.size - 1].1
            let cl = Cluster(locations: members.map { locations[$0].id },
                             centre: (locations[centre].x, locations[centre].y), radius: radius,
                             start: timeValues[b.s], end: o.prospective ? o.end : timeValues[b.e],
                             observed: b.c, expected: b.mu, llr: b.llr, pValue: nil)
            clusters.append((cl, b.llr))
        }
        if o.permutations > 0 {
            var rng = EpiRandom(seed: o.seed)
            var perm = caseTime
            var maxima: [Double] = []
            maxima.reserveCapacity(o.permutations)
            for _ in 0..<o.permutations {
                rng.shuffle(&perm)
                maxima.append(scan(times: perm, options: o, orders: orders, timeValues: timeValues, maxOnly: true).maxLLR)
            }
            for k in clusters.indices {
                let v = clusters[k].1
                let atLeast = maxima.filter { $0 >= v }.count
                clusters[k].0.pValue = Double(1 + atLeast) / Double(o.permutations + 1)
            }
        }
        return clusters.map(\.0)
    }
}

/// Reading SaTScan case (.cas) and coordinates (.geo) files.
public enum SaTScanFiles {
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses a time: a number, or a date yyyy/mm/dd or yyyy-mm-dd (days since 1970-01-01).
    public static func parseTime(_ s: String) -> Double? {
        if let v = Double(s), v.isFinite { return v }
        let parts = s.split(whereSeparator: { $0 == "/" || $0 == "-" })
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (proleptic Gregorian).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Double(era * 146_097 + doe - 719_468)
    }

    static func rows(_ text: String) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        for (k, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            out.append((k + 1, fields))
        }
        return out
    }

    /// Builds a scan from the two files' text. Locations are ordered by first appearance in the
    /// case file, then the rest of the coordinates file.
    public static func load(cas: String, geo: String, start: Double, end: Double) throws -> SpaceTimeScan {
        var coords: [String: (Double, Double)] = [:]
        var geoOrder: [String] = []
        for (line, f) in rows(geo) {
            guard f.count >= 3 else { throw FormatError(description: "coordinates file line \(line): expected 'id x y'") }
            guard let x = Double(f[1]), let y = Double(f[2]), x.isFinite, y.isFinite else {
                throw FormatError(description: "coordinates file line \(line): non-numeric coordinate")
            }
            if coords[f[0]] != nil { throw FormatError(description: "coordinates file line \(line): location \(f[0]) listed twice") }
            coords[f[0]] = (x, y)
            geoOrder.append(f[0])
        }
        guard !coords.isEmpty else { throw FormatError(description: "coordinates file is empty") }
        var index: [String: Int] = [:]
        var locations: [SpaceTimeScan.Location] = []
        var caseLocation: [Int] = []
        var caseTime: [Double] = []
        for (line, f) in rows(cas) {
            guard f.count >= 3 else { throw FormatError(description: "case file line \(line): expected 'id count time'") }
            guard let xy = coords[f[0]] else { throw FormatError(description: "case file line \(line): location \(f[0]) is not in the coordinates file") }
            guard let count = Int(f[1]), count >= 0 else { throw FormatError(description: "case file line \(line): case count '\(f[1])' is not a whole number") }
            guard let t = parseTime(f[2]) else { throw FormatError(description: "case file line \(line): time '\(f[2])' is not a number or date") }
            guard t >= start && t <= end else { throw FormatError(description: "case file line \(line): time \(f[2]) is outside the study period") }
            guard t == t.rounded() else { throw FormatError(description: "case file line \(line): time \(f[2]) is not a whole time unit") }
            let li: Int
            if let k = index[f[0]] { li = k } else {
                li = locations.count
                index[f[0]] = li
                locations.append(.init(id: f[0], x: xy.0, y: xy.1))
            }
            for _ in 0..<count { caseLocation.append(li); caseTime.append(t) }
        }
        guard !caseTime.isEmpty else { throw FormatError(description: "case file has no cases") }
        for id in geoOrder where index[id] == nil {
            index[id] = locations.count
            locations.append(.init(id: id, x: coords[id]!.0, y: coords[id]!.1))
        }
        return SpaceTimeScan(locations: locations, caseLocation: caseLocation, caseTime: caseTime)
    }
}
