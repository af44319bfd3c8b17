import Foundation
import Testing
@testable import Epidemiology
@testable import EpidemiologyCommand

@Suite struct ToyCaseTests {
    /// Typed relation from points of type 1 to points of type 2.
    func typed(_ types: [Int]) -> StandardRelation {
        StandardRelation(count: types.count, typeA: types.map { $0 == 1 }, typeB: types.map { $0 == 2 })
    }

    @Test func triangle() {
        let types = [1, 1, 2]
        let x = [0, 1, 0.5], y = [0, 0, 0.75.squareRoot()]
        let band = [DistanceBand(0, 1.5)]
        let rep = Tau.compute(x: x, y: y, relation: typed(types), bands: band, estimator: .representative)
        let ind = Tau.compute(x: x, y: y, relation: typed(types), bands: band, estimator: .independent)
        #expect(rep.bands[0].pi == 0.5)
        #expect(rep.bands[0].theta == 1)
        #expect(rep.bands[0].tau == 1)
        #expect(ind.bands[0].tau == 1)
    }

    @Test func lineLibrary() {
        let types = [1, 2, 2, 3, 2, 3, 3]
        let x: [Double] = [0, 1, -1, 2, -2, 3, -3], y = [Double](repeating: 0, count: 7)
        let bands = [DistanceBand(0, 1.5), DistanceBand(1.5, 2.5), DistanceBand(2.5, .infinity)]
        let rep = Tau.compute(x: x, y: y, relation: typed(types), bands: bands, estimator: .representative)
        let ind = Tau.compute(x: x, y: y, relation: typed(types), bands: bands, estimator: .independent)
        #expect(rep.bands.map(\.pi) == [1, 0.5, 0])
        #expect(rep.bands.map(\.theta) == [.infinity, 1, 0])
        #expect(rep.bands.map(\.tau) == [2, 1, 0])
        #expect(ind.bands.map(\.tau) == [.infinity, 1, 0])
        // The general (closure) relation gives the same.
        let closure = ClosureRelation { i, j in types[i] != 1 ? .ignored : (types[j] == 2 ? .related : .unrelated) }
        let viaClosure = Tau.compute(x: x, y: y, relation: closure, bands: bands, estimator: .independent)
        #expect(viaClosure.bands.map(\.tau) == [.infinity, 1, 0])
    }

    @Test func lineThroughCLI() {
        let file = Fixtures.temp("type,x,y\n1,0,0\n2,1,0\n2,-1,0\n3,2,0\n2,-2,0\n3,3,0\n3,-3,0\n")
        let r = EpiCommand.runInProcess(["tau", "--input", file, "--bands", "0:4.5:1.5", "--estimator", "independent",
                                         "--type-column", "type", "--type-a", "1", "--type-b", "2"])
        #expect(r.status == 0)
        #expect(r.stdout == """
            r_low,r_high,n_related,n_unrelated,pi,theta,tau
            0,1.5,2,0,1,Inf,Inf
            1.5,3,1,1,0.5,1,1
            3,4.5,0,2,0,0,0
            0,Inf,3,3,0.5,1,1

            """)
    }

    @Test func specialValues() {
        #expect(epiTau(.infinity, .infinity) == 1)
        #expect(epiTau(0, 0).isNaN)
        #expect(epiTau(.nan, 1).isNaN)
        #expect(epiTau(3, 0) == .infinity)
        #expect(epiTau(0, .infinity) == 0)
        #expect(epiRatio(0, 0).isNaN)
        #expect(epiRatio(2, 0) == .infinity)
    }

    @Test func bandsAreHalfOpen() {
        // Points exactly 1 apart fall in [1, 2), not [0, 1).
        let x: [Double] = [0, 1], y: [Double] = [0, 0]
        let rel = StandardRelation(count: 2)
        let r = Tau.compute(x: x, y: y, relation: rel, bands: [DistanceBand(0, 1), DistanceBand(1, 2)])
        #expect(r.bands[0].related == 0 && r.bands[1].related == 2)
    }
}

@Suite struct DengueSimR01Tests {
    func tauColumn(_ args: [String]) -> (rows: [[String]], global: [String]) {
        let r = EpiCommand.runInProcess(["tau", "--input", Fixtures.path("DengueSimR01.csv"), "--bands", "0:1000:20"] + args)
        #expect(r.status == 0, "\(r.stderr)")
        let parsed = parseTauCSV(r.stdout)
        #expect(parsed.header == "r_low,r_high,n_related,n_unrelated,pi,theta,tau")
        #expect(parsed.rows.count == 51)
        return (Array(parsed.rows.prefix(50)), parsed.rows.last!)
    }

    @Test(arguments: [
        (["--same", "serotype", "--within-days", "20", "--estimator", "independent"], "tau_same_serotype_20d_independent"),
        (["--same", "genotype", "--within-days", "20", "--estimator", "independent"], "tau_same_genotype_20d_independent"),
        (["--same", "serotype", "--within-days", "20", "--estimator", "representative"], "tau_same_serotype_20d_representative"),
    ])
    func bandsMatchPeer(args: [String], column: String) {
        let expected = readCSVColumns(Fixtures.path("expected_DengueSimR01.csv"))
        let got = tauColumn(args)
        for k in 0..<50 {
            #expect(value(got.rows[k][0]) == Double(expected["r_low"]![k])!)
            #expect(value(got.rows[k][1]) == Double(expected["r_high"]![k])!)
            let want = Double(expected[column]![k])!
            #expect(close(value(got.rows[k][6]), want), "band \(k): \(got.rows[k][6]) vs \(want)")
        }
        #expect(got.global[0] == "0" && got.global[1] == "Inf")
        if column.contains("genotype") {
            // The simulation moves at most 100 m per generation: tau is exactly 0 beyond.
            for k in 5..<50 { #expect(got.rows[k][6] == "0") }
        }
    }

    @Test func globalsMatchPeer() {
        let got = tauColumn(["--same", "serotype", "--within-days", "20"])
        #expect(close(value(got.global[4]), 0.061967077508478782))
        #expect(close(value(got.global[5]), 0.066060663781274578))
        #expect(got.global[6] == "1")
    }

    @Test func cumulativeBandsSumTheBands() {
        let plain = tauColumn(["--same", "serotype", "--within-days", "20"]).rows
        let cumulative = tauColumn(["--same", "serotype", "--within-days", "20", "--cumulative"]).rows
        var related = 0, unrelated = 0
        for k in 0..<50 {
            related += Int(plain[k][2])!
            unrelated += Int(plain[k][3])!
            #expect(cumulative[k][0] == "0")
            #expect(Int(cumulative[k][2])! == related && Int(cumulative[k][3])! == unrelated)
        }
    }
}

@Suite struct IndexedVersusNaiveTests {
    /// Random relations of every kind; the indexed counts must equal the O(n^2) loop exactly.
    @Test(arguments: [1 as UInt64, 2, 3, 4, 5, 6])
    func countsAreIdentical(seed: UInt64) {
        var rng = TestRandom(s: seed)
        let n = 300 + rng.int(300)
        // Integer coordinates on a small grid give many ties and distances exactly on band edges.
        let integer = seed % 2 == 0
        let x = (0..<n).map { _ in integer ? Double(rng.int(60)) : rng.unit() * 3000 }
        let y = (0..<n).map { _ in integer ? Double(rng.int(60)) : rng.unit() * 3000 }
        let t = (0..<n).map { _ in Double(rng.int(100)) }
        let g = (0..<n).map { _ in rng.int(4) }
        let kind = (0..<n).map { _ in rng.int(3) }
        let relations: [StandardRelation] = [
            StandardRelation(count: n, group: g, time: t, withinDays: 10),
            StandardRelation(count: n, time: t, withinDays: 0),
            StandardRelation(count: n, typeA: kind.map { $0 == 0 }, typeB: kind.map { $0 == 1 }),
            StandardRelation(count: n, group: g, time: t, withinDays: 15, isControl: kind.map { $0 == 2 }),
        ]
        let bandSets: [[DistanceBand]] = integer
            ? [DistanceBand.range(low: 0, high: 20, step: 1), DistanceBand.range(low: 3, high: 30, step: 3, cumulative: true),
               [DistanceBand(0, 5), DistanceBand(2, 9), DistanceBand(9, .infinity)]]
            : [DistanceBand.range(low: 0, high: 500, step: 25), [DistanceBand(100, 250), DistanceBand(0, .infinity)]]
        for relation in relations {
            for bands in bandSets {
                let fast = PairCounter.bandCounts(x: x, y: y, relation: relation, bands: bands)
                let naive = PairCounter.naiveBandCounts(x: x, y: y, relation: relation, bands: bands)
                #expect(fast.global == naive.global)
                #expect(fast.bands.map { [$0.related, $0.unrelated] } == naive.bands.map { [$0.related, $0.unrelated] })
                // The general relation (no fast global totals) agrees too.
                let closure = ClosureRelation { relation.classify($0, $1) }
                let viaClosure = PairCounter.bandCounts(x: x, y: y, relation: closure, bands: bands)
                #expect(viaClosure.global == naive.global)
            }
        }
    }
}

@Suite struct PopulationControlTests {
    @Test func controlsRule() {
        // 0, 1 cases (same group), 2 a control, 3 a case of another group.
        let rel = StandardRelation(count: 4, group: [0, 0, 0, 1], isControl: [false, false, true, false])
        #expect(rel.classify(0, 1) == .related)
        #expect(rel.classify(0, 2) == .unrelated)
        #expect(rel.classify(2, 0) == .ignored)
        #expect(rel.classify(0, 3) == .ignored)
    }

    @Test func representativeDataThroughCLI() {
        let r = EpiCommand.runInProcess(["tau", "--input", Fixtures.path("DengueSimRepresentative.csv"), "--bands", "0:2000:500",
                                         "--same", "serotype", "--within-days", "20", "--controls", "time=-999"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = parseTauCSV(r.stdout).rows
        // Global unrelated = cases x controls.
        #expect(Int(rows.last![3])! == 264 * 500)
    }
}

@Suite struct BootstrapTests {
    @Test func weightedCountsEqualExpandedCopies() {
        var rng = TestRandom(s: 9)
        let n = 60
        let x = (0..<n).map { _ in Double(rng.int(30)) }, y = (0..<n).map { _ in Double(rng.int(30)) }
        let t = (0..<n).map { _ in Double(rng.int(40)) }
        let w = (0..<n).map { _ in rng.int(3) }
        let bands = DistanceBand.range(low: 0, high: 20, step: 4)
        let relation = StandardRelation(count: n, time: t, withinDays: 7)
        let fast = PairCounter.bandCounts(x: x, y: y, relation: relation, bands: bands, weights: w)
        // Expand the copies; a copy never pairs with a copy of the same case.
        var ex = [Double](), ey = [Double](), et = [Double](), origin = [Int]()
        for i in 0..<n { for _ in 0..<w[i] { ex.append(x[i]); ey.append(y[i]); et.append(t[i]); origin.append(i) } }
        let (eo, ett) = (origin, et)
        let expanded = ClosureRelation { i, j in
            eo[i] == eo[j] ? .ignored : (abs(ett[i] - ett[j]) <= 7 ? .related : .unrelated)
        }
        let naive = PairCounter.naiveBandCounts(x: ex, y: ey, relation: expanded, bands: bands)
        #expect(fast.global == naive.global)
        #expect(fast.bands.map { [$0.related, $0.unrelated] } == naive.bands.map { [$0.related, $0.unrelated] })
    }

    @Test func seededAndReproducible() {
        let cols = readCSVColumns(Fixtures.path("DengueSimR01.csv"))
        let x = cols["x"]!.map { Double($0)! }, y = cols["y"]!.map { Double($0)! }, t = cols["time"]!.map { Double($0)! }
        let relation = StandardRelation(count: x.count, time: t, withinDays: 20)
        let bands = DistanceBand.range(low: 0, high: 300, step: 100)
        let a = TauBootstrap.run(x: x, y: y, relation: relation, bands: bands, estimator: .independent, replicates: 20, seed: 5)
        let b = TauBootstrap.run(x: x, y: y, relation: relation, bands: bands, estimator: .independent, replicates: 20, seed: 5)
        let c = TauBootstrap.run(x: x, y: y, relation: relation, bands: bands, estimator: .independent, replicates: 20, seed: 6)
        #expect(a.intervals == b.intervals)
        #expect(a.replicates != c.replicates)
        #expect(a.intervals[0].lower <= a.intervals[0].upper)
    }

    @Test func quantileType7() {
        #expect(epiQuantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(epiQuantile([5, .nan, 1], 0.0) == 1)
        #expect(epiQuantile([], 0.5).isNaN)
    }
}
