import Testing
@testable import SignboardTax

/// A calendar date from literals; fails the test (not the process) if the literal is wrong.
func day(_ year: Int, _ month: Int, _ day: Int) throws -> CivilDate {
    try #require(CivilDate(year: year, month: month, day: day))
}

func area(_ cm2: Int64) throws -> SignArea {
    try #require(SignArea(cm2: cm2))
}

func assessor(_ year: Int, policy: AssessmentPolicy = .standard, asOf: CivilDate? = nil) throws -> Assessor {
    try #require(Assessor(taxYear: TaxYear(year), policy: policy, asOf: asOf))
}

/// The 120 x 240 cm type 3 sign of the example: 28,800 cm² = 57 units + 300 cm², and 300 > 250,
/// so 58 units; at 50 baht (2020 regulation, type 3 other) the annual tax is 2,900 baht.
func exampleSign(installedOn: CivilDate? = nil, faces: Int = 1) throws -> Sign {
    Sign(faceArea: try #require(SignArea(widthHundredths: 12_000, heightHundredths: 24_000)), faces: faces,
         type: .foreignOrThaiBelow, motion: .other, installedOn: installedOn)
}
