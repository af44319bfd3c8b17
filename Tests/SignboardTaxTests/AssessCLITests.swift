import ArgumentParser
import Foundation
import Testing
@testable import SignboardTax
@testable import SignboardTaxCommand

/// Runs the `assess` contract in process.
func runAssess(_ json: String, year: Int = 2024, asOf: CivilDate? = nil) -> (text: String, status: Int32, message: String?) {
    let result = SignTaxAssess.run(input: Data(json.utf8), options: AssessOptions(taxYear: TaxYear(year), asOf: asOf))
    return (String(decoding: result.output, as: UTF8.self), result.exitStatus, result.message)
}

/// The output array's objects.
func objects(_ text: String) throws -> [[String: Any]] {
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(parsed as? [[String: Any]])
}

@Suite("mueang signtax assess: the CLI contract")
struct AssessCLITests {
    @Test("the issue's output example, byte for byte")
    func exampleLine() {
        let run = runAssess(#"[{"id": "S1", "width_cm": 120, "height_cm": 240, "type": "3"}]"#)
        #expect(run.status == 0)
        #expect(run.text == """
        [
        {"id": "S1", "area_cm2": 28800, "units": 58, "rate": 50, "annual_tax": 2900, "quarters": 4, \
        "tax": 2900.00, "exempt": false, "exemption": null, "surcharge_not_filed": 0.00, \
        "surcharge_underdeclared": 0.00, "late_months": 0, "surcharge_late": 0.00, "total": 2900.00}
        ]

        """)
    }

    @Test("the issue's full input example")
    func fullInput() throws {
        // Installed 10 May 2024: 75 % of 2,900 = 2,175.00. Filed 20 March, before the deadline (25 May).
        // Declared 754: (2,175 - 754) x 10 % = 142.10. Notice 1 April, due 16 April, paid 2 May: 1 month,
        // 2 % = 43.50. Total 2,175.00 + 142.10 + 43.50 = 2,360.60.
        let run = runAssess("""
        [{"id": "S1", "width_cm": 120, "height_cm": 240, "area_cm2": null, "faces": 1,
          "type": "3", "moving": false, "installed_on": "2024-05-10",
          "filing": {"filed_on": "2024-03-20", "before_notice": false},
          "declared_tax": 754, "corrected_before_notice": false,
          "notice_received_on": "2024-04-01", "paid_on": "2024-05-02"}]
        """)
        #expect(run.status == 0)
        #expect(run.text.contains(#""quarters": 3, "tax": 2175.00,"#))
        #expect(run.text.contains(#""surcharge_not_filed": 0.00, "surcharge_underdeclared": 142.10, "late_months": 1, "surcharge_late": 43.50, "total": 2360.60}"#))
        let object = try #require(try objects(run.text).first)
        #expect(Set(object.keys) == [
            "id", "area_cm2", "units", "rate", "annual_tax", "quarters", "tax", "exempt", "exemption",
            "surcharge_not_filed", "surcharge_underdeclared", "late_months", "surcharge_late", "total",
        ])
    }

    @Test("same length and order; a malformed element is reported in place and the others assessed; exit 1")
    func malformedElements() throws {
        let run = runAssess("""
        [{"id": "ok1", "area_cm2": 10000, "type": "2"},
         {"id": "type", "area_cm2": 10000, "type": "4"},
         {"id": "zero", "width_cm": 0, "height_cm": 100, "type": "1"},
         {"id": "negative", "area_cm2": -5, "type": "1"},
         {"id": "date", "area_cm2": 10000, "type": "1", "installed_on": "2024-02-30"},
         {"id": "format", "area_cm2": 10000, "type": "1", "paid_on": "01/02/2024", "notice_received_on": "2024-01-01"},
         {"id": "later", "area_cm2": 10000, "type": "1", "installed_on": "2025-01-01"},
         {"id": "nosize", "type": "1"},
         {"type": "1", "area_cm2": 10000},
         "not an object",
         {"id": 7, "area_cm2": 10000, "type": "3"}]
        """)
        #expect(run.status == 1)
        let out = try objects(run.text)
        #expect(out.count == 11)
        #expect(out.map { $0["id"] as? String } == ["ok1", "type", "zero", "negative", "date", "format", "later", "nosize", nil, nil, nil])
        #expect(out[0]["tax"] as? Double == 520)  // 20 units x 26
        #expect(out[10]["id"] as? Int == 7)       // a numeric id is echoed as a number
        #expect(out[10]["tax"] as? Double == 1_000) // 20 units x 50
        for index in 1...9 {
            let error = try #require(out[index]["error"] as? [String: String], "element \(index)")
            #expect(error["th"]?.isEmpty == false)
            #expect(error["en"]?.isEmpty == false)
            #expect(out[index]["tax"] == nil)
        }
        #expect(out[8]["id"] is NSNull)
        #expect((out[1]["error"] as? [String: String])?["en"]?.contains("type") == true)
        #expect((out[6]["error"] as? [String: String])?["en"]?.contains("after the tax year") == true)
    }

    @Test("input that is not a JSON array: exit 2, message, no output", arguments: [
        "{}", #"{"id": "S1"}"#, "null", "", "[1,", "[] x", "not json", "3",
    ])
    func notAnArray(input: String) {
        let run = runAssess(input)
        #expect(run.status == 2)
        #expect(run.text.isEmpty)
        #expect(run.message?.isEmpty == false)
    }

    @Test("an id must be a string or a number; an object id is echoed with an error")
    func idKinds() throws {
        let run = runAssess(#"[{"id": {"x": 1}, "area_cm2": 10000, "type": "1"}, {"id": true, "area_cm2": 10000, "type": "1"}]"#)
        #expect(run.status == 1)
        let out = try objects(run.text)
        #expect((out[0]["id"] as? [String: Int]) == ["x": 1])
        #expect(out.allSatisfy { $0["error"] != nil && $0["tax"] == nil })
    }

    @Test("an empty array gives an empty array")
    func emptyArray() throws {
        let run = runAssess(" [ ] ")
        #expect(run.status == 0)
        #expect(try objects(run.text).isEmpty)
    }

    @Test("absent and null mean the same")
    func absentIsNull() {
        let explicit = runAssess("""
        [{"id": "a", "area_cm2": 10000, "type": "2", "width_cm": null, "height_cm": null, "faces": null,
          "moving": null, "installed_on": null, "exemption": null, "filing": null, "declared_tax": null,
          "corrected_before_notice": null, "notice_received_on": null, "paid_on": null}]
        """)
        let absent = runAssess(#"[{"id": "a", "area_cm2": 10000, "type": "2"}]"#)
        #expect(explicit.status == 0)
        #expect(explicit.text == absent.text)
    }

    @Test("filing absent: no surcharge; filed_on null: never filed, 10 %; late before notice 5 %")
    func filing() throws {
        // 28,800 cm² type 3: 2,900.00; deadline 31 March.
        let run = runAssess("""
        [{"id": "absent", "width_cm": 120, "height_cm": 240, "type": "3"},
         {"id": "never", "width_cm": 120, "height_cm": 240, "type": "3", "filing": {"filed_on": null}},
         {"id": "never2", "width_cm": 120, "height_cm": 240, "type": "3", "filing": {}},
         {"id": "late", "width_cm": 120, "height_cm": 240, "type": "3", "filing": {"filed_on": "2024-04-01"}},
         {"id": "late-self", "width_cm": 120, "height_cm": 240, "type": "3", "filing": {"filed_on": "2024-04-01", "before_notice": true}},
         {"id": "on-time", "width_cm": 120, "height_cm": 240, "type": "3", "filing": {"filed_on": "2024-03-31", "before_notice": false}}]
        """)
        #expect(run.status == 0)
        let surcharges = try objects(run.text).map { $0["surcharge_not_filed"] as? Double }
        #expect(surcharges == [0, 290, 290, 290, 145, 0])
    }

    @Test("BE tax year and BE dates give the same result as CE")
    func buddhistEraYear() {
        let input = #"[{"id": "a", "width_cm": 120, "height_cm": 240, "type": "3", "installed_on": "2024-07-01"}]"#
        let ce = runAssess(input, year: 2024)
        #expect(ce.text.contains(#""quarters": 2, "tax": 1450.00"#))
        #expect(runAssess(input, year: 2567).text == ce.text)
        let beDate = #"[{"id": "a", "width_cm": 120, "height_cm": 240, "type": "3", "installed_on": "2567-07-01"}]"#
        #expect(runAssess(beDate, year: 2567).text == ce.text)
    }

    @Test("arrears run to --as-of when there is no payment date")
    func asOf() throws {
        // Notice 1 April, due 16 April; as of 1 June: + 1 = 16 May < 1 June, + 2 = 16 June -> 2 months,
        // 4 % of 2,900 = 116.00.
        let input = #"[{"id": "a", "width_cm": 120, "height_cm": 240, "type": "3", "notice_received_on": "2024-04-01"}]"#
        let withAsOf = try objects(runAssess(input, asOf: day(2024, 6, 1)).text)
        #expect(withAsOf.first?["late_months"] as? Int == 2)
        #expect(withAsOf.first?["surcharge_late"] as? Double == 116)
        #expect(withAsOf.first?["total"] as? Double == 3_016)
        let without = try objects(runAssess(input).text)
        #expect(without.first?["late_months"] as? Int == 0)
    }

    @Test("exempt by code or as a small sign: every amount 0")
    func exempt() throws {
        let run = runAssess("""
        [{"id": "temple", "width_cm": 120, "height_cm": 240, "type": "3", "exemption": "religious-charitable",
          "filing": {"filed_on": null}},
         {"id": "small", "width_cm": 20, "height_cm": 25, "type": "3"},
         {"id": "bad", "width_cm": 20, "height_cm": 25, "type": "3", "exemption": "friend-of-the-mayor"}]
        """)
        #expect(run.status == 1)
        #expect(run.text.contains(#""tax": 0.00, "exempt": true, "exemption": "religious-charitable", "surcharge_not_filed": 0.00"#))
        let out = try objects(run.text)
        #expect(out[1]["exemption"] as? String == "small-sign")
        #expect(out[1]["exempt"] as? Bool == true)
        for object in out.prefix(2) {
            for key in ["annual_tax", "tax", "surcharge_not_filed", "surcharge_underdeclared", "surcharge_late", "total"] {
                #expect(object[key] as? Double == 0, "\(key)")
            }
        }
        #expect(out[2]["error"] != nil)
    }

    @Test("sizes: area alone, fractional centimetres, a mismatch, too many decimals, wrong kinds")
    func sizes() throws {
        let run = runAssess("""
        [{"id": "area", "area_cm2": 10250, "type": "2"},
         {"id": "fraction", "width_cm": 25.01, "height_cm": 30, "type": "1"},
         {"id": "both", "width_cm": 100, "height_cm": 100, "area_cm2": 10000, "type": "2"},
         {"id": "mismatch", "width_cm": 100, "height_cm": 100, "area_cm2": 9000, "type": "2"},
         {"id": "precise", "width_cm": 10.001, "height_cm": 100, "type": "2"},
         {"id": "string", "width_cm": "100", "height_cm": 100, "type": "2"},
         {"id": "half", "width_cm": 100, "type": "2"},
         {"id": "faces", "area_cm2": 10000, "faces": 0, "type": "2"},
         {"id": "moving", "area_cm2": 10000, "moving": "yes", "type": "2"},
         {"id": "numeric-type", "area_cm2": 10000, "type": 2},
         {"id": "exp", "area_cm2": 1.025e4, "type": "2"}]
        """)
        let out = try objects(run.text)
        #expect(out[0]["units"] as? Int == 20)
        #expect(out[1]["area_cm2"] as? Double == 750.3)
        #expect(out[1]["units"] as? Int == 2)
        #expect(out[2]["units"] as? Int == 20)
        for index in 3...8 { #expect(out[index]["error"] != nil, "element \(index)") }
        #expect(out[9]["rate"] as? Int == 26)
        #expect(out[10]["units"] as? Int == 20)
    }

    @Test("exit status 2 goes through ArgumentParser's ExitCode")
    func exitCodeThroughArgumentParser() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("signtax-\(UUID().uuidString).json")
        try Data(#"{"id": "not an array"}"#.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        var command = try SignTaxCommand.parseAsRoot(["assess", "--year", "2567", "--input", path.path])
        #expect(throws: ExitCode(2)) { try command.run() }
        var missing = try SignTaxCommand.parseAsRoot(["assess", "--year", "2024", "--input", path.path + ".missing"])
        #expect(throws: ExitCode(2)) { try missing.run() }
    }

    @Test("options: a year without rates or a bad --as-of is refused")
    func options() {
        #expect(throws: (any Error).self) { try SignTaxCommand.parseAsRoot(["assess", "--year", "1980"]) }
        #expect(throws: (any Error).self) { try SignTaxCommand.parseAsRoot(["assess", "--year", "2024", "--as-of", "2024-13-01"]) }
        #expect(throws: Never.self) { try SignTaxCommand.parseAsRoot(["assess", "--year", "2567", "--as-of", "2024-12-31"]) }
    }

    @Test("roundtrip writes back what it read")
    func roundtrip() throws {
        let input = #"[{"id": "é\n\"x\"", "n": -1.5e3, "a": [true, false, null], "o": {}}, 3]"#
        let result = SignTaxAssess.roundtrip(input: Data(input.utf8))
        let again = try JSONSerialization.jsonObject(with: result.output) as? NSArray
        let original = try JSONSerialization.jsonObject(with: Data(input.utf8)) as? NSArray
        #expect(again == original)
    }
}
