import Testing
@testable import SignboardTax

@Suite("Area, units and rates")
struct UnitsAndRatesTests {
    @Test("a remainder of exactly 250 cm² is dropped, 251 cm² counts as a unit")
    func remainderThreshold() throws {
        let regulation = try assessor(2024).regulation
        // 10,250 = 20 x 500 + 250 -> 20 units; 10,251 -> 21 units.
        #expect(try area(10_250).units(under: regulation) == 20)
        #expect(try area(10_251).units(under: regulation) == 21)
        // 750 = 1 x 500 + 250 -> 1; 751 -> 2; an exact multiple has no remainder.
        #expect(try area(750).units(under: regulation) == 1)
        #expect(try area(751).units(under: regulation) == 2)
        #expect(try area(1_000).units(under: regulation) == 2)
        // Type 2 other in 2024 is 26 baht: 20 units = 520.00, 21 units = 546.00.
        let a = try assessor(2024)
        #expect(try a.assess(Sign(faceArea: area(10_250), type: .thaiMixed)).tax == .baht(520))
        #expect(try a.assess(Sign(faceArea: area(10_251), type: .thaiMixed)).tax == .baht(546))
    }

    @Test("a fraction of a cm² just above the 250 cm² remainder counts")
    func fractionalArea() throws {
        let regulation = try assessor(2024).regulation
        // 25.01 x 30 cm = 750.3 cm² = 500 + 250.3 -> 2 units; 25 x 30 = 750 -> 1 unit.
        let above = try #require(SignArea(widthHundredths: 2_501, heightHundredths: 3_000))
        let exact = try #require(SignArea(widthHundredths: 2_500, heightHundredths: 3_000))
        #expect(above.units(under: regulation) == 2)
        #expect(exact.units(under: regulation) == 1)
        #expect(above.description == "750.3")
    }

    @Test("the issue's example: 120 x 240 cm type 3 in 2024 is 58 units at 50 baht = 2,900")
    func issueExample() throws {
        let result = try assessor(2024).assess(exampleSign())
        #expect(result.area == (try area(28_800)))
        #expect(result.units == 58)
        #expect(result.rate == .baht(50))
        #expect(result.annualTax == .baht(2_900))
        #expect(result.quarters == 4)
        #expect(result.tax == .baht(2_900))
        #expect(result.total == .baht(2_900))
    }

    @Test("published example: 100 x 500 cm type 1 in 2020 pays 300 baht")
    func publishedExampleType1() throws {
        // 50,000 cm² = 100 units x 3 baht (1992 regulation).
        let sign = Sign(faceArea: try #require(SignArea(widthHundredths: 10_000, heightHundredths: 50_000)), type: .thaiOnly)
        #expect(try assessor(2020).assess(sign).tax == .baht(300))
    }

    @Test("published example: a 10,000 cm² type 2 sign in 2020 pays 400 baht")
    func publishedExampleType2() throws {
        // 20 units x 20 baht.
        #expect(try assessor(2020).assess(Sign(faceArea: area(10_000), type: .thaiMixed)).tax == .baht(400))
    }

    /// 50,000 cm² is 100 units, so the annual tax is 100 x the rate.
    @Test("each type x moving, in both rate eras", arguments: [
        (2024, SignType.thaiOnly, SignMotion.moving, 1_000), (2024, .thaiOnly, .other, 500),
        (2024, .thaiMixed, .moving, 5_200), (2024, .thaiMixed, .other, 2_600),
        (2024, .foreignOrThaiBelow, .moving, 5_200), (2024, .foreignOrThaiBelow, .other, 5_000),
        (2021, .thaiOnly, .moving, 1_000), (2021, .foreignOrThaiBelow, .other, 5_000),
        (2020, .thaiOnly, .moving, 300), (2020, .thaiOnly, .other, 300),
        (2020, .thaiMixed, .moving, 2_000), (2020, .thaiMixed, .other, 2_000),
        (2020, .foreignOrThaiBelow, .moving, 4_000), (2020, .foreignOrThaiBelow, .other, 4_000),
        (1993, .thaiMixed, .other, 2_000),
    ])
    func ratesByEra(year: Int, type: SignType, motion: SignMotion, expectedBaht: Int64) throws {
        let result = try assessor(year).assess(Sign(faceArea: area(50_000), type: type, motion: motion))
        #expect(result.units == 100)
        #expect(result.tax == .baht(expectedBaht))
    }

    @Test("the regulation in force: 1992 rates up to 2020, 2020 rates from 2021, none before 1993")
    func regulationByYear() throws {
        #expect(RateTable.thailand.regulation(for: TaxYear(2020))?.firstTaxYear == 1993)
        #expect(RateTable.thailand.regulation(for: TaxYear(2021))?.firstTaxYear == 2021)
        #expect(RateTable.thailand.regulation(for: TaxYear(2030))?.firstTaxYear == 2021)
        #expect(RateTable.thailand.regulation(for: TaxYear(1992)) == nil)
        #expect(Assessor(taxYear: TaxYear(1990)) == nil)
    }

    @Test("a new regulation is one new table entry")
    func newRegulationIsData() throws {
        let future = Regulation(firstTaxYear: 2030, name: "hypothetical", minimumPerSign: .baht(300),
                                moving: [.thaiOnly: .baht(20), .thaiMixed: .baht(60), .foreignOrThaiBelow: .baht(80)],
                                other: [.thaiOnly: .baht(10), .thaiMixed: .baht(30), .foreignOrThaiBelow: .baht(70)])
        let table = RateTable(RateTable.thailand.regulations + [future])
        let a2029 = try #require(Assessor(taxYear: TaxYear(2029), rates: table))
        let a2030 = try #require(Assessor(taxYear: TaxYear(2030), rates: table))
        let sign = Sign(faceArea: try area(50_000), type: .foreignOrThaiBelow)
        #expect(try a2029.assess(sign).tax == .baht(5_000)) // 100 x 50
        #expect(try a2030.assess(sign).tax == .baht(7_000)) // 100 x 70
        // The new minimum: 1,000 cm² = 2 units x 10 = 20 < 300.
        #expect(try a2030.assess(Sign(faceArea: area(1_000), type: .thaiOnly)).tax == .baht(300))
    }

    @Test("Buddhist Era years: above 2400 is BE")
    func buddhistEra() throws {
        #expect(TaxYear(2567).ce == 2024)
        #expect(TaxYear(2563).ce == 2020)
        #expect(TaxYear(2564).ce == 2021)
        #expect(TaxYear(2024).ce == 2024)
        #expect(TaxYear(2400).ce == 2400)
        #expect(TaxYear(2401).ce == 1858)
        #expect(TaxYear(ce: 2024).be == 2567)
        // 2563 = 2020: the 1992 rates (type 1 = 3 baht); 2564 = 2021: the 2020 rates (5 baht).
        let sign = Sign(faceArea: try area(50_000), type: .thaiOnly)
        #expect(try assessor(2563).assess(sign).tax == .baht(300))
        #expect(try assessor(2564).assess(sign).tax == .baht(500))
        // A BE date is converted as well: 2567-02-29 is 29 February 2024, a leap day.
        #expect(CivilDate(iso: "2567-02-29") == (try day(2024, 2, 29)))
    }
}
