import PropertyBased
import Testing
@testable import SignboardTaxCommand

@Suite("JSON numbers to fixed point")
struct FixedPointTests {
    @Test("decimal literals convert exactly", arguments: [
        ("120", 2, FixedPointResult.value(12_000)), ("120.1", 2, .value(12_010)), ("0.07", 2, .value(7)),
        ("10.001", 2, .tooManyDecimals), ("10.0010", 3, .value(10_001)), ("1.025e4", 0, .value(10_250)),
        ("1E-2", 2, .value(1)), ("2.5e-1", 1, .tooManyDecimals), ("-5", 0, .value(-5)), ("0", 4, .value(0)),
        ("0.000", 2, .value(0)), ("99999999999999999999", 0, .outOfRange), ("1e30", 0, .outOfRange),
        ("754", 2, .value(75_400)), ("2899.99", 2, .value(289_999)),
    ])
    func literals(text: String, decimals: Int, expected: FixedPointResult) {
        #expect(fixedPoint(text, decimals: decimals) == expected)
    }

    @Test("an integer and the same integer written with a fraction agree")
    func fastAndGeneralPathsAgree() async {
        await propertyCheck(count: 500, input: Gen.int64(in: 0...999_999_999_999), Gen.int(in: 0...4)) { n, decimals in
            var scale: Int64 = 1
            for _ in 0..<decimals { scale *= 10 }
            #expect(fixedPoint(String(n), decimals: decimals) == .value(n * scale))
            #expect(fixedPoint("\(n).00", decimals: decimals) == .value(n * scale))
            #expect(fixedPoint("-\(n)", decimals: decimals) == .value(-n * scale))
        }
    }
}
