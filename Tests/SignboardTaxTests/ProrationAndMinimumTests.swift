import Testing
@testable import SignboardTax

@Suite("Minimum, proration and faces")
struct ProrationAndMinimumTests {
    /// The example sign pays 2,900 a year: 100 % = 2,900.00, 75 % = 2,175.00, 50 % = 1,450.00, 25 % = 725.00.
    @Test("each quarter boundary of the installation date", arguments: [
        ((2023, 12, 31), 4, Int64(290_000)), ((2024, 1, 1), 4, 290_000), ((2024, 3, 31), 4, 290_000),
        ((2024, 4, 1), 3, 217_500), ((2024, 6, 30), 3, 217_500),
        ((2024, 7, 1), 2, 145_000), ((2024, 9, 30), 2, 145_000),
        ((2024, 10, 1), 1, 72_500), ((2024, 12, 31), 1, 72_500),
    ])
    func quarterBoundaries(installed: (Int, Int, Int), quarters: Int, expectedSatang: Int64) throws {
        let sign = try exampleSign(installedOn: day(installed.0, installed.1, installed.2))
        let result = try assessor(2024).assess(sign)
        #expect(result.quarters == quarters)
        #expect(result.annualTax == .baht(2_900))
        #expect(result.tax == Satang(expectedSatang))
    }

    @Test("installed after the tax year is an error")
    func installedAfterTaxYear() throws {
        let sign = try exampleSign(installedOn: day(2025, 1, 1))
        #expect(throws: SignError.installedAfterTaxYear(try day(2025, 1, 1))) { try assessor(2024).assess(sign) }
    }

    @Test("the minimum of 200 baht, without proration")
    func minimumWithoutProration() throws {
        // 10,000 cm² type 1 other in 2024: 20 units x 5 = 100 baht, raised to 200.
        let result = try assessor(2024).assess(Sign(faceArea: area(10_000), type: .thaiOnly))
        #expect(result.annualTax == .baht(200))
        #expect(result.tax == .baht(200))
        // 501 cm²: one unit, 5 baht, also 200. 40 units x 5 = 200 exactly stays 200; 41 x 5 = 205.
        #expect(try assessor(2024).assess(Sign(faceArea: area(501), type: .thaiOnly)).tax == .baht(200))
        #expect(try assessor(2024).assess(Sign(faceArea: area(20_000), type: .thaiOnly)).tax == .baht(200))
        #expect(try assessor(2024).assess(Sign(faceArea: area(20_500), type: .thaiOnly)).tax == .baht(205))
    }

    @Test("the minimum applies before proration: a minimum sign installed in October pays 50.00")
    func minimumThenProration() throws {
        let a = try assessor(2024)
        let october = Sign(faceArea: try area(10_000), type: .thaiOnly, installedOn: try day(2024, 10, 15))
        #expect(try a.assess(october).tax == .baht(50))   // 200 x 25 %
        let may = Sign(faceArea: try area(10_000), type: .thaiOnly, installedOn: try day(2024, 5, 15))
        #expect(try a.assess(may).tax == .baht(150))      // 200 x 75 %
        let august = Sign(faceArea: try area(10_000), type: .thaiOnly, installedOn: try day(2024, 8, 15))
        #expect(try a.assess(august).tax == .baht(100))   // 200 x 50 %
    }

    @Test("tenant setting: the minimum after proration")
    func minimumAfterProration() throws {
        let policy = AssessmentPolicy(minimumTiming: .afterProration)
        let october = Sign(faceArea: try area(10_000), type: .thaiOnly, installedOn: try day(2024, 10, 15))
        // 100 x 25 % = 25, raised to 200.
        #expect(try assessor(2024, policy: policy).assess(october).tax == .baht(200))
        // A large sign is unaffected: 2,900 x 25 % = 725.
        #expect(try assessor(2024, policy: policy).assess(exampleSign(installedOn: day(2024, 10, 1))).tax == .baht(725))
    }

    @Test("two faces are two signs: units and minimum per face")
    func twoFaces() throws {
        let result = try assessor(2024).assess(exampleSign(faces: 2))
        #expect(result.area == (try area(28_800)))   // per face
        #expect(result.units == 58)                  // per face
        #expect(result.annualTax == .baht(5_800))
        #expect(result.tax == .baht(5_800))
        // Two minimum faces installed in October: 2 x 200 x 25 % = 100.00.
        let small = Sign(faceArea: try area(10_000), faces: 2, type: .thaiOnly, installedOn: try day(2024, 10, 1))
        #expect(try assessor(2024).assess(small).tax == .baht(100))
    }

    @Test("tenant setting: faces assessed together")
    func facesTogether() throws {
        let policy = AssessmentPolicy(faceAssessment: .facesTogether)
        // 2 x 28,800 = 57,600 cm² = 115 units + 100 cm² (dropped) -> 115 x 50 = 5,750 (not 5,800).
        let result = try assessor(2024, policy: policy).assess(exampleSign(faces: 2))
        #expect(result.units == 115)
        #expect(result.tax == .baht(5_750))
        // Two small faces together: 2 x 10,000 = 40 units x 5 = 200, one minimum.
        let small = Sign(faceArea: try area(10_000), faces: 2, type: .thaiOnly)
        #expect(try assessor(2024, policy: policy).assess(small).tax == .baht(200))
    }

    @Test("zero faces is an error")
    func zeroFaces() throws {
        #expect(throws: SignError.badFaces) { try assessor(2024).assess(exampleSign(faces: 0)) }
    }
}

@Suite("Money in satang")
struct MoneyTests {
    @Test("half-up rounds half a satang away from zero; half-even to the even satang")
    func rounding() throws {
        #expect(try Satang(6).share(3, over: 4, rounding: .halfUp) == Satang(5))   // 4.5 -> 5
        #expect(try Satang(6).share(3, over: 4, rounding: .halfEven) == Satang(4)) // 4.5 -> 4
        #expect(try Satang(10).share(1, over: 4, rounding: .halfUp) == Satang(3))  // 2.5 -> 3
        #expect(try Satang(14).share(1, over: 4, rounding: .halfEven) == Satang(4)) // 3.5 -> 4
        #expect(try Satang(-6).share(3, over: 4, rounding: .halfUp) == Satang(-5))
        #expect(try Satang(7).share(1, over: 4, rounding: .halfUp) == Satang(2))   // 1.75 -> 2
        #expect(try Satang(5).share(1, over: 4, rounding: .halfUp) == Satang(1))   // 1.25 -> 1
    }

    @Test("a half satang in an assessment rounds up")
    func halfSatangInAssessment() throws {
        // 50,500 cm² = 101 units x 26 = 2,626; installed 1 May: 75 % = 1,969.50. Filed 1 June, after
        // the deadline (1 May + 15 days = 16 May), before notice: 5 % = 98.475 -> 98.48.
        var sign = Sign(faceArea: try area(50_500), type: .thaiMixed, installedOn: try day(2024, 5, 1))
        sign.filing = .filed(on: try day(2024, 6, 1), beforeNotice: true)
        let result = try assessor(2024).assess(sign)
        #expect(result.tax == Satang(196_950))
        #expect(result.surchargeNotFiled == Satang(9_848))
        let even = try assessor(2024, policy: AssessmentPolicy(rounding: .halfEven)).assess(sign)
        #expect(even.surchargeNotFiled == Satang(9_848)) // 9,847.5 -> the even 9,848
    }

    @Test("two decimals always")
    func formatting() {
        #expect(Satang.baht(2_900).description == "2900.00")
        #expect(Satang(5).description == "0.05")
        #expect(Satang(-150).description == "-1.50")
        #expect(Satang.baht(50).compactDescription == "50")
        #expect(Satang(5_025).compactDescription == "50.25")
    }

    @Test("overflow is reported, not trapped")
    func overflow() {
        #expect(throws: MoneyOverflow.self) { try Satang(Int64.max / 2).share(4, over: 1, rounding: .halfUp) }
    }
}
