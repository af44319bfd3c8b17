import Testing
@testable import SignboardTax

@Suite("Exemptions")
struct ExemptionTests {
    @Test("reason codes are stable strings")
    func codes() {
        let expected: Set<String> = [
            "small-sign", "theatre", "goods-packaging", "temporary-event", "person-animal", "inside-building",
            "government", "state-enterprise", "bank-of-thailand", "financial-institution", "private-school",
            "farmer-produce", "religious-charitable", "association-foundation", "vehicle",
        ]
        #expect(Set(Exemption.allCases.map(\.rawValue)) == expected)
    }

    @Test("an exempt sign has every amount 0, surcharges included", arguments: Exemption.allCases.filter {
        $0 != .smallSign && $0 != .insideBuilding
    })
    func exemptByCode(code: Exemption) throws {
        var sign = try exampleSign()
        sign.exemption = code
        sign.filing = .neverFiled
        sign.declaredTax = .zero
        sign.noticeReceivedOn = try day(2024, 1, 1)
        sign.paidOn = try day(2024, 12, 31)
        let result = try assessor(2024).assess(sign)
        #expect(result.isExempt)
        #expect(result.exemption == code)
        #expect([result.annualTax, result.tax, result.surchargeNotFiled, result.surchargeUnderdeclared,
                 result.surchargeLate, result.total].allSatisfy { $0 == .zero })
        #expect(result.lateMonths == 0)
    }

    @Test("a face of 500 cm² or less is exempt as a small sign; 501 cm² is not")
    func smallSign() throws {
        let a = try assessor(2024)
        let exactly = try a.assess(Sign(faceArea: area(500), type: .foreignOrThaiBelow))
        #expect(exactly.exemption == .smallSign)
        #expect(exactly.tax == .zero)
        // Two faces of 500 cm²: each face is small.
        #expect(try a.assess(Sign(faceArea: area(500), faces: 2, type: .thaiMixed)).exemption == .smallSign)
        // 20 x 25 cm = 500 cm².
        let measured = try #require(SignArea(widthHundredths: 2_000, heightHundredths: 2_500))
        #expect(try a.assess(Sign(faceArea: measured, type: .thaiOnly)).exemption == .smallSign)
        let above = try a.assess(Sign(faceArea: area(501), type: .foreignOrThaiBelow))
        #expect(above.exemption == nil)
        #expect(above.tax == .baht(200))
        // Recorded explicitly on a small face: fine; on a larger one: an error.
        #expect(try a.assess(Sign(faceArea: area(300), type: .thaiOnly, exemption: .smallSign)).exemption == .smallSign)
        #expect(throws: SignError.smallSignTooLarge) {
            try a.assess(Sign(faceArea: area(501), type: .thaiOnly, exemption: .smallSign))
        }
    }

    @Test("inside a building: exempt up to 3 m² per face")
    func insideBuilding() throws {
        let a = try assessor(2024)
        #expect(try a.assess(Sign(faceArea: area(30_000), type: .thaiMixed, exemption: .insideBuilding)).tax == .zero)
        #expect(throws: SignError.insideBuildingTooLarge) {
            try a.assess(Sign(faceArea: area(30_001), type: .thaiMixed, exemption: .insideBuilding))
        }
    }
}
