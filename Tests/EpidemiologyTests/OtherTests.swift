import Foundation
import Testing
@testable import Epidemiology
@testable import EpidemiologyCommand

func jsonObject(_ text: String) -> [String: Any] {
    try! JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as! [String: Any]
}

@Suite struct KnoxTests {
    @Test func burkittMatchesPeer() {
        let r = EpiCommand.runInProcess(["knox", "--input", Fixtures.path("burkitt.csv"), "--x", "X", "--y", "Y", "--time", "T",
                                         "--distance", "20", "--days", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = jsonObject(r.stdout)
        #expect(j["n"] as? Int == 188)
        #expect(j["pairs"] as? Int == 17578)
        #expect(j["close_both"] as? Int == 13)
        #expect(j["close_space_only"] as? Int == 3416)
        #expect(j["close_time_only"] as? Int == 39)
        #expect(j["close_neither"] as? Int == 14110)
        #expect(close(j["expected"] as! Double, 10.1438161, 1e-8))
        #expect(close(j["expected"] as! Double, 3429.0 * 52.0 / 17578.0))
        #expect(close(j["p_poisson"] as! Double, 0.14624558197140414))
        #expect(j["p_permutation"] is NSNull)
        // Keys in the documented order.
        let keys = ["n", "pairs", "close_both", "close_space_only", "close_time_only", "close_neither", "expected", "p_poisson", "p_permutation"]
        let positions = keys.map { r.stdout.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func permutationPValueIsSeeded() {
        let args = ["knox", "--input", Fixtures.path("burkitt.csv"), "--distance", "20", "--days", "5", "--permutations", "199", "--seed", "3"]
        let a = EpiCommand.runInProcess(args), b = EpiCommand.runInProcess(args)
        #expect(a.stdout == b.stdout)
        let p = jsonObject(a.stdout)["p_permutation"] as! Double
        #expect(p > 0 && p <= 1)
        #expect((p * 200).rounded() == p * 200) // (1 + k) / (B + 1)
    }

    @Test func poissonTail() {
        #expect(close(poissonUpperTail(mean: 3429.0 * 52.0 / 17578.0, greaterThan: 13), 0.14624558197140414))
        // P(Pois(2) > 0) = 1 - e^-2.
        #expect(close(poissonUpperTail(mean: 2, greaterThan: 0), 1 - exp(-2.0), 1e-14))
        // Far tail keeps relative precision: P(Pois(1) > 30) ~ e^-1 / 31!.
        #expect(close(poissonUpperTail(mean: 1, greaterThan: 30), exp(-1.0 - lgamma(32)) * 1.0323, 1e-3))
    }
}

@Suite struct ScanTests {
    func scan(_ name: String, _ extra: [String] = []) -> [[String: Any]] {
        let r = EpiCommand.runInProcess(["scan", "--cas", Fixtures.path("\(name).cas"), "--geo", Fixtures.path("\(name).geo"),
                                         "--start", "0", "--end", "1000"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return jsonObject(r.stdout)["clusters"] as! [[String: Any]]
    }

    /// SaTScan 9.4.4 results shipped with the test inputs (prospective, 50 % / 50 %).
    @Test func satscanTest1Prospective() {
        let c = scan("satscan_test1", ["--prospective"])
        #expect(Set(c[0]["locations"] as! [String]) == ["23", "6", "16"])
        #expect(c[0]["centre"] as! [Double] == [30, 30])
        #expect(c[0]["radius"] as! Double == 20)
        #expect(c[0]["start"] as! Double == 993 && c[0]["end"] as! Double == 1000)
        #expect(c[0]["observed"] as! Int == 3)
        #expect(abs((c[0]["expected"] as! Double) - 0.42) < 0.005)
        #expect(abs((c[0]["llr"] as! Double) - 3.352053) < 5e-7)
        #expect(c[1]["locations"] as! [String] == ["10"])
        #expect(c[1]["start"] as! Double == 962)
        #expect(c[1]["observed"] as! Int == 4)
        #expect(abs((c[1]["llr"] as! Double) - 2.715606) < 5e-7)
        let llrs = c.map { $0["llr"] as! Double }
        #expect(llrs == llrs.sorted(by: >))
    }

    @Test func satscanTest3Prospective() {
        let c = scan("satscan_test3", ["--prospective", "--max-radius", "50"])
        #expect(Set(c[0]["locations"] as! [String]) == ["21", "6", "22", "11"])
        #expect(c[0]["start"] as! Double == 930)
        #expect(c[0]["observed"] as! Int == 10)
        #expect(abs((c[0]["expected"] as! Double) - 5.46) < 0.005)
        #expect(abs((c[0]["llr"] as! Double) - 1.622161) < 5e-7)
    }

    @Test func retrospectiveAndPValues() {
        let args = ["--permutations", "99", "--seed", "4"]
        let c = scan("satscan_test1", args)
        let again = scan("satscan_test1", args)
        #expect((c[0]["p_value"] as! Double) == (again[0]["p_value"] as! Double))
        // A retrospective scan looks at more windows, so its best LLR is at least the prospective one.
        #expect((c[0]["llr"] as! Double) >= 3.352053)
        for cl in c { let p = cl["p_value"] as! Double; #expect(p > 0 && p <= 1) }
    }

    @Test func llrFormula() {
        #expect(SpaceTimeScan.llr(c: 1, mu: 2, total: 10) == 0)
        let v = SpaceTimeScan.llr(c: 3, mu: 0.42, total: 100)
        #expect(close(v, 3 * log(3 / 0.42) + 97 * log(97 / 99.58)))
    }
}

@Suite struct RadiusTests {
    @Test func adviceOnDengueSim() {
        let households = Fixtures.temp("x,y\n0,0\n10,10\n50,50\n-100,0\n300,300\n")
        let r = EpiCommand.runInProcess(["radius", "--cases", Fixtures.path("DengueSimR01.csv"), "--households", households,
                                         "--bootstrap", "30", "--seed", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = jsonObject(r.stdout)
        let recommended = j["recommended_radius_m"] as! Double
        #expect(recommended >= 100 && recommended <= 500)
        #expect((j["reason_th"] as! String).contains("เมตร"))
        #expect((j["reason_en"] as! String).contains("m"))
        let candidates = j["candidates"] as! [[String: Any]]
        #expect(candidates.map { $0["radius_m"] as! Double } == [50, 100, 150, 200, 250, 300, 350, 400, 450, 500])
        let shares = candidates.map { $0["linked_share"] as! Double }
        #expect(shares == shares.sorted())
        #expect((j["rings"] as! [Any]).count == 10)
    }

    @Test func neverBelowFloorUnlessOverridden() {
        // Unclustered cases: no raised distance, so the floor decides.
        var rng = TestRandom(s: 77)
        var text = "x,y,time\n"
        for _ in 0..<150 { text += "\(rng.unit() * 5000),\(rng.unit() * 5000),\(rng.int(200))\n" }
        let file = Fixtures.temp(text)
        let a = jsonObject(EpiCommand.runInProcess(["radius", "--cases", file, "--bootstrap", "20"]).stdout)
        #expect(a["recommended_radius_m"] as! Double == 100)
        let b = jsonObject(EpiCommand.runInProcess(["radius", "--cases", file, "--bootstrap", "20", "--min-radius", "50"]).stdout)
        #expect(b["recommended_radius_m"] as! Double == 50)
    }
}

@Suite struct BadInputTests {
    @Test(arguments: [
        ("x,y\n1,2\n3,4\n", ["--bands", "0:10:1", "--within-days", "5"], "time"),
        ("x,y,time\n1,2,3\n3,abc,4\n", ["--bands", "0:10:1"], "non-numeric"),
        ("", ["--bands", "0:10:1"], "empty"),
        ("x,y,time\n1,2,3\n", ["--bands", "10:10:1"], "LOW"),
        ("x,y,time\n1,2,3\n", ["--bands", "20:10:1"], "LOW"),
        ("x,y,time\n1,2,3\n", ["--bands", "0:10"], "LOW:HIGH:STEP"),
        ("x,y,time\n1,2,3\n", ["--bands", "0:10:1", "--estimator", "other"], "estimator"),
        ("x,y,time\n1,2,3\n", ["--bands", "0:10:1", "--same", "serotype"], "serotype"),
    ])
    func tauRejects(csv: String, args: [String], mention: String) {
        let file = Fixtures.temp(csv)
        let r = EpiCommand.runInProcess(["tau", "--input", file] + args)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(mention), "\(r.stderr)")
    }

    @Test func missingFileAndKnoxAndScan() {
        #expect(EpiCommand.runInProcess(["tau", "--input", "/nonexistent.csv", "--bands", "0:1:1"]).status == 2)
        let file = Fixtures.temp("x,y,time\n1,2,3\n2,3,x\n")
        #expect(EpiCommand.runInProcess(["knox", "--input", file, "--distance", "5", "--days", "2"]).status == 2)
        #expect(EpiCommand.runInProcess(["knox", "--input", file, "--distance", "abc", "--days", "2"]).status == 2)
        let cas = Fixtures.temp("1 1 5\n99 1 6\n", suffix: ".cas"), geo = Fixtures.temp("1 0 0\n", suffix: ".geo")
        let s = EpiCommand.runInProcess(["scan", "--cas", cas, "--geo", geo, "--start", "0", "--end", "10"])
        #expect(s.status == 2 && s.stderr.contains("99"))
        let empty = Fixtures.temp("", suffix: ".cas")
        #expect(EpiCommand.runInProcess(["scan", "--cas", empty, "--geo", geo, "--start", "0", "--end", "10"]).status == 2)
        #expect(EpiCommand.runInProcess(["radius", "--cases", file]).status == 2)
    }
}
