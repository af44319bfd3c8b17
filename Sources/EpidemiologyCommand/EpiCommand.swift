// Spatial epidemiology: `mueang epi tau|knox|scan|radius`.
import ArgumentParser
import Foundation
import Geodesy
import Epidemiology

public struct EpiCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "epi", abstract: "Spatial epidemiology.",
        subcommands: [TauCommand.self, KnoxCommand.self, ScanCommand.self, RadiusCommand.self])
    public init() {}

    /// Runs `mueang epi ARGS...` in process: what it would print and its exit status.
    public static func runInProcess(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        do {
            let command = try EpiCommand.parseAsRoot(arguments)
            guard let sub = command as? EpiSubcommand else {
                return (0, EpiCommand.helpMessage() + "\n", "")
            }
            do {
                return (0, try sub.output(), "")
            } catch {
                return (2, "", sub.errorLine(error))
            }
        } catch {
            let code = EpiCommand.exitCode(for: error)
            return (code.rawValue, "", EpiCommand.fullMessage(for: error) + "\n")
        }
    }
}

/// A subcommand whose whole standard output is built in memory (so tests see exactly what the
/// CLI prints, without spawning a process).
protocol EpiSubcommand: ParsableCommand {
    func output() throws -> String
}

extension EpiSubcommand {
    func errorLine(_ error: Error) -> String {
        let message = (error as? EpiInputError)?.message ?? (error as? SaTScanFiles.FormatError)?.description ?? "\(error)"
        return "mueang epi \(Self.configuration.commandName ?? ""): error: \(message)\n"
    }

    public func run() throws {
        let text: String
        do {
            text = try output()
        } catch {
            FileHandle.standardError.write(Data(errorLine(error).utf8))
            throw ExitCode(2)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

// MARK: - tau

struct TauCommand: EpiSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "tau",
        abstract: "pi, theta and tau over distance bands (CSV: r_low,r_high,n_related,n_unrelated,pi,theta,tau).",
        discussion: """
        Pairs are ordered; bands are half-open (r_low <= d < r_high); the last row (0,Inf) is the \
        global value. Related: every --same column equal and |dt| <= --within-days (when given); \
        unrelated otherwise. --controls COLUMN=VALUE marks population controls; --type-column with \
        --type-a/--type-b gives the typed rule.
        """)

    @Option(help: "Input CSV file with a header row.") var input: String
    @Option(help: "Bands LOW:HIGH:STEP, e.g. 0:1000:20.") var bands: String
    @Flag(help: "Cumulative bands [LOW, r) instead of consecutive ones.") var cumulative = false
    @Option(help: "independent (theta ratio) or representative (pi ratio).") var estimator: String = "representative"
    @Option(help: "x column (metres).") var x: String = "x"
    @Option(help: "y column (metres).") var y: String = "y"
    @Option(help: "Time column (days, or dates yyyy-mm-dd).") var time: String = "time"
    @Option(help: "Latitude column (projected first, with --lon).") var lat: String?
    @Option(help: "Longitude column.") var lon: String?
    @Option(help: "Projection for --lat/--lon: utm (zone of the mean point) or local.") var projection: String = "utm"
    @Option(help: "Related pairs must be equal in this column (repeatable).") var same: [String] = []
    @Option(name: .customLong("within-days"), help: "Related pairs have |dt| <= N days.") var withinDays: String?
    @Option(help: "Population controls: rows where COLUMN equals VALUE.") var controls: String?
    @Option(name: .customLong("type-column"), help: "Typed rule: the type column.") var typeColumn: String?
    @Option(name: .customLong("type-a"), help: "Typed rule: type of the first point.") var typeA: String?
    @Option(name: .customLong("type-b"), help: "Typed rule: type of the second point for a related pair.") var typeB: String?

    init() {}

    func output() throws -> String {
        guard let est = TauEstimator(rawValue: estimator) else {
            throw EpiInputError("--estimator must be 'independent' or 'representative', got '\(estimator)'")
        }
        guard let proj = ProjectionChoice(rawValue: projection) else {
            throw EpiInputError("--projection must be 'utm' or 'local', got '\(projection)'")
        }
        let bandList = try parseBands(bands, cumulative: cumulative)
        let within: Double? = try withinDays.map {
            let v = try parseNumber($0, option: "--within-days")
            guard v >= 0 else { throw EpiInputError("--within-days must be >= 0") }
            return v
        }
        if (typeColumn != nil || typeA != nil || typeB != nil) && (typeColumn == nil || typeA == nil || typeB == nil) {
            throw EpiInputError("--type-column, --type-a and --type-b go together")
        }
        let table = try CSVTable.load(path: input)
        let n = table.rows.count
        let (coords, _) = try readCoordinates(table, x: x, y: y, lat: lat, lon: lon, projection: proj)

        var isControl: [Bool]? = nil
        if let spec = controls {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw EpiInputError("--controls: expected COLUMN=VALUE, got '\(spec)'")
            }
            let col = try table.column(String(spec[..<eq]))
            let key = normalizedKey(String(spec[spec.index(after: eq)...]))
            isControl = table.rows.map { normalizedKey($0[col]) == key }
        }
        var times: [Double]? = nil
        if within != nil {
            times = try table.numbers(try table.column(time, aliases: ["t"]), skip: isControl, allowDates: true)
        }
        var group: [Int]? = nil
        if !same.isEmpty {
            let cols = try same.map { try table.column($0) }
            var ids: [String: Int] = [:]
            group = table.rows.map { row in
                let key = cols.map { normalizedKey(row[$0]) }.joined(separator: "\u{1F}")
                if let g = ids[key] { return g }
                ids[key] = ids.count
                return ids.count - 1
            }
        }
        var a: [Bool]? = nil, b: [Bool]? = nil
        if let tc = typeColumn, let ta = typeA, let tb = typeB {
            let col = try table.column(tc)
            let ka = normalizedKey(ta), kb = normalizedKey(tb)
            a = table.rows.map { normalizedKey($0[col]) == ka }
            b = table.rows.map { normalizedKey($0[col]) == kb }
        }
        let relation = StandardRelation(count: n, group: group, time: times, withinDays: within,
                                        isControl: isControl, typeA: a, typeB: b)
        let result = Tau.compute(x: coords.x, y: coords.y, relation: relation, bands: bandList, estimator: est)
        var out = "r_low,r_high,n_related,n_unrelated,pi,theta,tau\n"
        for row in result.bands + [result.global] {
            let f = NumberFormat.csv
            out += "\(f(row.band.low)),\(f(row.band.high)),\(row.related),\(row.unrelated),\(f(row.pi)),\(f(row.theta)),\(f(row.tau))\n"
        }
        return out
    }
}

// MARK: - knox

struct KnoxCommand: EpiSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "knox",
        abstract: "Knox test: close in space (d <= D) and time (|dt| <= T) over unordered pairs (JSON).")

    @Option(help: "Input CSV file with a header row.") var input: String
    @Option(help: "Space threshold D (same units as x, y; metres for --lat/--lon).") var distance: String
    @Option(help: "Time threshold T in days.") var days: String
    @Option(help: "Monte Carlo permutations of the times.") var permutations: String?
    @Option(help: "Random seed.") var seed: String?
    @Option(help: "x column.") var x: String = "x"
    @Option(help: "y column.") var y: String = "y"
    @Option(help: "Time column.") var time: String = "time"
    @Option(help: "Latitude column.") var lat: String?
    @Option(help: "Longitude column.") var lon: String?
    @Option(help: "Projection for --lat/--lon: utm or local.") var projection: String = "utm"

    init() {}

    func output() throws -> String {
        let d = try parseNumber(distance, option: "--distance")
        let t = try parseNumber(days, option: "--days")
        guard d >= 0, t >= 0 else { throw EpiInputError("--distance and --days must be >= 0") }
        let b = try parseCount(permutations, option: "--permutations", default: 0)
        let s = try parseSeed(seed)
        guard let proj = ProjectionChoice(rawValue: projection) else {
            throw EpiInputError("--projection must be 'utm' or 'local', got '\(projection)'")
        }
        let table = try CSVTable.load(path: input)
        let (coords, _) = try readCoordinates(table, x: x, y: y, lat: lat, lon: lon, projection: proj)
        let times = try table.numbers(try table.column(time, aliases: ["t"]), allowDates: true)
        let r = Knox.test(x: coords.x, y: coords.y, t: times, distance: d, days: t, permutations: b, seed: s)
        let json: JSON.Value = .object([
            ("n", .int(r.n)), ("pairs", .int(r.pairs)), ("close_both", .int(r.closeBoth)),
            ("close_space_only", .int(r.closeSpaceOnly)), ("close_time_only", .int(r.closeTimeOnly)),
            ("close_neither", .int(r.closeNeither)), ("expected", .number(r.expected)),
            ("p_poisson", .number(r.pPoisson)),
            ("p_permutation", r.pPermutation.map { .number($0) } ?? .null),
        ])
        return JSON.render(json) + "\n"
    }
}

// MARK: - scan

struct ScanCommand: EpiSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Space-time permutation scan statistic (Kulldorff 2005) on SaTScan .cas/.geo files (JSON).")

    @Option(help: "SaTScan case file: location id, case count, time.") var cas: String
    @Option(help: "SaTScan coordinates file: location id, x, y (Cartesian).") var geo: String
    @Option(help: "Study start (time unit number or date yyyy/mm/dd).") var start: String
    @Option(help: "Study end.") var end: String
    @Flag(help: "Prospective: only windows that end at the study end.") var prospective = false
    @Option(name: .customLong("max-spatial-share"), help: "Largest circle as a share of all cases.") var maxSpatialShare: String = "0.5"
    @Option(name: .customLong("max-radius"), help: "Largest circle radius (instead of / besides the share).") var maxRadius: String?
    @Option(name: .customLong("max-temporal-share"), help: "Longest window as a share of the study period.") var maxTemporalShare: String = "0.5"
    @Option(name: .customLong("min-cases"), help: "Fewest cases in a cluster.") var minCases: String = "2"
    @Option(help: "Monte Carlo permutations of the case times.") var permutations: String?
    @Option(help: "Random seed.") var seed: String?

    init() {}

    func output() throws -> String {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path), let s = String(data: data, encoding: .utf8) else {
                throw EpiInputError("cannot read file '\(path)'")
            }
            guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw EpiInputError("\(path): the file is empty") }
            return s
        }
        guard let t0 = SaTScanFiles.parseTime(start) else { throw EpiInputError("--start: '\(start)' is not a time") }
        guard let t1 = SaTScanFiles.parseTime(end) else { throw EpiInputError("--end: '\(end)' is not a time") }
        guard t0 <= t1 else { throw EpiInputError("--start must not be after --end") }
        var o = SpaceTimeScan.Options(start: t0, end: t1)
        o.prospective = prospective
        o.maxSpatialShare = try parseNumber(maxSpatialShare, option: "--max-spatial-share")
        o.maxTemporalShare = try parseNumber(maxTemporalShare, option: "--max-temporal-share")
        guard o.maxSpatialShare > 0, o.maxSpatialShare <= 1, o.maxTemporalShare > 0, o.maxTemporalShare <= 1 else {
            throw EpiInputError("--max-spatial-share and --max-temporal-share must be in (0, 1]")
        }
        o.maxRadius = try maxRadius.map { try parseNumber($0, option: "--max-radius") }
        o.minCases = try parseCount(minCases, option: "--min-cases", default: 2)
        o.permutations = try parseCount(permutations, option: "--permutations", default: 0)
        o.seed = try parseSeed(seed)
        let scan = try SaTScanFiles.load(cas: try read(cas), geo: try read(geo), start: t0, end: t1)
        let clusters = scan.run(o)
        let json: JSON.Value = .object([
            ("cases", .int(scan.caseTime.count)),
            ("locations", .int(scan.locations.count)),
            ("start", .number(t0)), ("end", .number(t1)),
            ("prospective", .bool(prospective)),
            ("permutations", .int(o.permutations)),
            ("clusters", .array(clusters.map { c in
                .object([
                    ("locations", .array(c.locations.map { .string($0) })),
                    ("centre", .array([.number(c.centre.x), .number(c.centre.y)])),
                    ("radius", .number(c.radius)),
                    ("start", .number(c.start)), ("end", .number(c.end)),
                    ("observed", .int(c.observed)), ("expected", .number(c.expected)),
                    ("llr", .number(c.llr)),
                    ("p_value", c.pValue.map { .number($0) } ?? .null),
                ])
            })),
        ])
        return JSON.render(json) + "\n"
    }
}

// MARK: - radius

struct RadiusCommand: EpiSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "radius",
        abstract: "Spray-radius advisor: how far around a case to spray, with the reason (JSON).")

    @Option(help: "Cases CSV: x, y (or --lat/--lon) and onset time.") var cases: String
    @Option(help: "Households CSV with the same coordinate columns (optional).") var households: String?
    @Option(help: "x column (metres).") var x: String = "x"
    @Option(help: "y column (metres).") var y: String = "y"
    @Option(help: "Onset time column (days, or dates yyyy-mm-dd).") var time: String = "time"
    @Option(help: "Latitude column.") var lat: String?
    @Option(help: "Longitude column.") var lon: String?
    @Option(help: "Projection for --lat/--lon: utm or local.") var projection: String = "utm"
    @Option(name: .customLong("serial-interval"), help: "Serial interval in days.") var serialInterval: String = "20"
    @Option(help: "Candidate radii LOW:HIGH:STEP in metres.") var candidates: String = "50:500:50"
    @Option(help: "Bootstrap replicates.") var bootstrap: String = "200"
    @Option(help: "Random seed.") var seed: String?
    @Option(name: .customLong("min-radius"), help: "Floor of the recommendation (national standard 100 m; lower only to override).") var minRadius: String = "100"
    @Option(help: "independent or representative.") var estimator: String = "independent"

    init() {}

    func output() throws -> String {
        var o = SprayRadiusAdvisor.Options()
        o.serialIntervalDays = try parseNumber(serialInterval, option: "--serial-interval")
        guard o.serialIntervalDays > 0, o.serialIntervalDays.isFinite else { throw EpiInputError("--serial-interval must be positive") }
        let bands = try parseBands(candidates, cumulative: false, option: "--candidates")
        o.candidates = bands.map(\.high)
        if bands[0].low > 0 { o.candidates.insert(bands[0].low, at: 0) }
        o.replicates = try parseCount(bootstrap, option: "--bootstrap", default: 200)
        o.seed = try parseSeed(seed)
        o.minimumRadius = try parseNumber(minRadius, option: "--min-radius")
        guard let est = TauEstimator(rawValue: estimator) else {
            throw EpiInputError("--estimator must be 'independent' or 'representative', got '\(estimator)'")
        }
        o.estimator = est
        guard let proj = ProjectionChoice(rawValue: projection) else {
            throw EpiInputError("--projection must be 'utm' or 'local', got '\(projection)'")
        }
        let table = try CSVTable.load(path: cases)
        let (coords, ref) = try readCoordinates(table, x: x, y: y, lat: lat, lon: lon, projection: proj)
        let onset = try table.numbers(try table.column(time, aliases: ["t", "onset"]), allowDates: true)
        var homes: [PlanarPoint]? = nil
        if let h = households {
            let ht = try CSVTable.load(path: h)
            let (hc, _) = try readCoordinates(ht, x: x, y: y, lat: lat, lon: lon, projection: proj, reference: ref)
            homes = zip(hc.x, hc.y).map { PlanarPoint(x: $0, y: $1) }
        }
        let a = SprayRadiusAdvisor.advise(x: coords.x, y: coords.y, onset: onset, households: homes, options: o)
        let json: JSON.Value = .object([
            ("cases", .int(a.cases)),
            ("households", a.households.map { .int($0) } ?? .null),
            ("serial_interval_days", .number(a.serialIntervalDays)),
            ("estimator", .string(o.estimator.rawValue)),
            ("bootstrap_replicates", .int(o.replicates)),
            ("recommended_radius_m", .number(a.recommendedRadius)),
            ("minimum_radius_m", .number(a.minimumRadius)),
            ("raised_up_to_m", .number(a.raisedUpTo)),
            ("reason_en", .string(a.reasonEnglish)),
            ("reason_th", .string(a.reasonThai)),
            ("later_linked_pairs", .int(a.laterLinkedPairs)),
            ("rings", .array(a.rings.map { r in
                .object([("r_low", .number(r.low)), ("r_high", .number(r.high)), ("n_related", .int(r.related)),
                         ("n_unrelated", .int(r.unrelated)), ("tau", .number(r.tau)),
                         ("ci_low", .number(r.ciLower)), ("ci_high", .number(r.ciUpper))])
            })),
            ("candidates", .array(a.candidates.map { c in
                .object([("radius_m", .number(c.radius)), ("linked_covered", .int(c.linkedCovered)),
                         ("linked_share", .number(c.linkedShare)),
                         ("households_per_case", .number(c.householdsPerCase))])
            })),
        ])
        return JSON.render(json) + "\n"
    }
}
