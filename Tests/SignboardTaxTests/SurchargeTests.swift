import Testing
@testable import SignboardTax

@Suite("Deadlines and surcharges")
struct SurchargeTests {
    @Test("filing deadline: 31 March, or installation + 15 days when later")
    func filingDeadline() throws {
        let year = TaxYear(2024)
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: nil) == (try day(2024, 3, 31)))
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: try day(2023, 11, 1)) == (try day(2024, 3, 31)))
        // 10 Feb + 15 = 25 Feb, earlier than 31 March.
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: try day(2024, 2, 10)) == (try day(2024, 3, 31)))
        // 16 March + 15 = 31 March exactly; 20 March + 15 = 4 April.
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: try day(2024, 3, 16)) == (try day(2024, 3, 31)))
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: try day(2024, 3, 20)) == (try day(2024, 4, 4)))
        // 20 December + 15 = 4 January of the next year.
        #expect(Deadlines.filingDeadline(taxYear: year, installedOn: try day(2024, 12, 20)) == (try day(2025, 1, 4)))
    }

    /// The example sign pays 2,900.00: 10 % = 290.00, 5 % = 145.00.
    @Test("not filed in time: 10 %, or 5 % when filed late before notice; none on time or when not assessed")
    func filingSurcharge() throws {
        let a = try assessor(2024)
        func surcharge(_ filing: FilingRecord?, installed: CivilDate? = nil) throws -> Satang {
            var sign = try exampleSign(installedOn: installed)
            sign.filing = filing
            let result = try a.assess(sign)
            #expect(result.total == (try result.tax.adding(result.surchargeNotFiled)))
            return result.surchargeNotFiled
        }
        #expect(try surcharge(nil) == .zero)
        #expect(try surcharge(.neverFiled) == .baht(290))
        #expect(try surcharge(.filed(on: day(2024, 3, 31), beforeNotice: false)) == .zero)
        #expect(try surcharge(.filed(on: day(2024, 4, 1), beforeNotice: false)) == .baht(290))
        #expect(try surcharge(.filed(on: day(2024, 4, 1), beforeNotice: true)) == .baht(145))
        // Installed 20 March: deadline 4 April; prorated tax is still 100 % (first quarter).
        #expect(try surcharge(.filed(on: day(2024, 4, 4), beforeNotice: false), installed: day(2024, 3, 20)) == .zero)
        #expect(try surcharge(.filed(on: day(2024, 4, 5), beforeNotice: false), installed: day(2024, 3, 20)) == .baht(290))
    }

    @Test("filing surcharge on a prorated tax: installed in October, never filed")
    func filingSurchargeProrated() throws {
        var sign = try exampleSign(installedOn: day(2024, 10, 1))
        sign.filing = .neverFiled
        let result = try assessor(2024).assess(sign)
        #expect(result.tax == .baht(725))
        #expect(result.surchargeNotFiled == Satang(7_250)) // 10 % of 725.00 = 72.50
    }

    @Test("under-declaration: 10 % of the additional tax; none when corrected before notice")
    func underdeclaration() throws {
        let a = try assessor(2024)
        func surcharge(declared: Satang?, corrected: Bool = false) throws -> Satang {
            var sign = try exampleSign()
            sign.declaredTax = declared
            sign.correctedBeforeNotice = corrected
            return try a.assess(sign).surchargeUnderdeclared
        }
        #expect(try surcharge(declared: nil) == .zero)
        #expect(try surcharge(declared: .baht(754)) == Satang(21_460))   // (2,900 - 754) x 10 % = 214.60
        #expect(try surcharge(declared: .baht(754), corrected: true) == .zero)
        #expect(try surcharge(declared: .baht(2_900)) == .zero)
        #expect(try surcharge(declared: .baht(3_000)) == .zero)
        #expect(try surcharge(declared: Satang(289_999)) == .zero)        // 0.01 x 10 % = 0.001 -> 0.00
        #expect(try surcharge(declared: Satang(289_995)) == Satang(1))    // 0.05 x 10 % = 0.005 -> 0.01
        #expect(try surcharge(declared: .zero) == .baht(290))
    }

    @Test("late months: smallest n with due + n months (clamped) on or after payment", arguments: [
        // Due 31 January 2024 (leap year): + 1 month = 29 February.
        ((2024, 1, 31), (2024, 1, 31), 0), ((2024, 1, 31), (2024, 2, 1), 1), ((2024, 1, 31), (2024, 2, 29), 1),
        ((2024, 1, 31), (2024, 3, 1), 2), ((2024, 1, 31), (2024, 3, 31), 2), ((2024, 1, 31), (2024, 4, 1), 3),
        // Due 31 January 2023 (common year): + 1 month = 28 February.
        ((2023, 1, 31), (2023, 2, 28), 1), ((2023, 1, 31), (2023, 3, 1), 2),
        // Due 30 January 2024: + 1 = 29 February (clamped), + 2 = 30 March.
        ((2024, 1, 30), (2024, 2, 29), 1), ((2024, 1, 30), (2024, 3, 30), 2), ((2024, 1, 30), (2024, 3, 31), 3),
        // Across the year end, and paid before the due date.
        ((2024, 12, 20), (2025, 1, 20), 1), ((2024, 12, 20), (2025, 1, 21), 2), ((2024, 4, 16), (2024, 4, 2), 0),
        // Due 29 February 2024: + 12 months = 28 February 2025.
        ((2024, 2, 29), (2025, 2, 28), 12), ((2024, 2, 29), (2025, 3, 1), 13),
    ])
    func lateMonths(due: (Int, Int, Int), paid: (Int, Int, Int), expected: Int) throws {
        #expect(Deadlines.lateMonths(dueDate: try day(due.0, due.1, due.2), paidOn: try day(paid.0, paid.1, paid.2)) == expected)
    }

    @Test("payment is due 15 days after the notice was received; 2 % of the tax per month late")
    func latePaymentSurcharge() throws {
        let a = try assessor(2024)
        func late(notice: CivilDate?, paid: CivilDate?, assessor: Assessor? = nil) throws -> (Int, Satang) {
            var sign = try exampleSign()
            sign.noticeReceivedOn = notice
            sign.paidOn = paid
            let result = try (assessor ?? a).assess(sign)
            return (result.lateMonths, result.surchargeLate)
        }
        // Notice 16 January: due 31 January.
        #expect(try late(notice: day(2024, 1, 16), paid: day(2024, 1, 31)) == (0, .zero))
        #expect(try late(notice: day(2024, 1, 16), paid: day(2024, 2, 29)) == (1, .baht(58)))   // 2 % of 2,900
        #expect(try late(notice: day(2024, 1, 16), paid: day(2024, 3, 1)) == (2, .baht(116)))
        #expect(try late(notice: day(2024, 1, 16), paid: day(2024, 4, 1)) == (3, .baht(174)))
        // No notice: no late surcharge whatever the payment date. No payment and no as-of: none.
        #expect(try late(notice: nil, paid: day(2024, 12, 1)) == (0, .zero))
        #expect(try late(notice: day(2024, 1, 16), paid: nil) == (0, .zero))
        // Unpaid, arrears to --as-of: due 31 January, as of 1 June: + 4 months = 31 May < 1 June -> 5.
        let asOf = try assessor(2024, asOf: day(2024, 6, 1))
        #expect(try late(notice: day(2024, 1, 16), paid: nil, assessor: asOf) == (5, .baht(290)))
        // A payment date wins over as-of.
        #expect(try late(notice: day(2024, 1, 16), paid: day(2024, 2, 1), assessor: asOf) == (1, .baht(58)))
    }

    @Test("surcharges are computed on the tax only and add up to the total")
    func surchargesOnTaxOnly() throws {
        // Installed 2 July: 50 % of 2,900 = 1,450.00. Never filed: 145.00. Declared 450: (1,450 - 450)
        // x 10 % = 100.00. Notice 1 August, due 16 August, paid 17 October: + 2 months = 16 October <
        // 17 October -> 3 months, 6 % of 1,450 = 87.00 (not 6 % of 1,450 + 145 + 100).
        var sign = try exampleSign(installedOn: day(2024, 7, 2))
        sign.filing = .neverFiled
        sign.declaredTax = .baht(450)
        sign.noticeReceivedOn = try day(2024, 8, 1)
        sign.paidOn = try day(2024, 10, 17)
        let result = try assessor(2024).assess(sign)
        #expect(result.tax == .baht(1_450))
        #expect(result.surchargeNotFiled == .baht(145))
        #expect(result.surchargeUnderdeclared == .baht(100))
        #expect(result.lateMonths == 3)
        #expect(result.surchargeLate == .baht(87))
        #expect(result.total == .baht(1_782))
    }
}
