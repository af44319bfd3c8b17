import PropertyBased
import Testing
@testable import SignboardTax

/// Random signs: any type and motion, 1 to 3 faces, installed before or during 2024, with or
/// without a filing, a declaration and a notice.
@Suite("Properties of random signs")
struct PropertyTests {
    static let types = Gen<SignType>.case
    static let motions = Gen<SignMotion>.case
    static let areas = Gen.int64(in: 1...2_000_000)
    static let growth = Gen.int64(in: 0...500_000)
    /// 0: installed before the tax year; 1...366: that day of 2024.
    static let installDays = Gen.int(in: 0...366)
    static let years = Gen.int(in: 0...3).map { [2020, 2021, 2024, 2567][$0] }

    static func installed(_ dayOfYear: Int) -> CivilDate? {
        dayOfYear == 0 ? nil : CivilDate(year: 2024, month: 1, day: 1)?.adding(days: dayOfYear - 1)
    }

    @Test("the tax never decreases when the area grows")
    func monotoneInArea() async throws {
        await propertyCheck(count: 500, input: Self.areas, Self.growth, Self.types, Self.motions, Self.installDays, Self.years) {
            areaCm2, extra, type, motion, installDay, year in
            guard let a = Assessor(taxYear: TaxYear(year)),
                  let small = SignArea(cm2: areaCm2), let large = SignArea(cm2: areaCm2 + extra) else {
                Issue.record("bad generator output")
                return
            }
            let installedOn = year == 2024 || year == 2567 ? Self.installed(installDay) : nil
            let smaller = try a.assess(Sign(faceArea: small, type: type, motion: motion, installedOn: installedOn))
            let larger = try a.assess(Sign(faceArea: large, type: type, motion: motion, installedOn: installedOn))
            #expect(smaller.tax <= larger.tax)
            #expect(smaller.annualTax <= larger.annualTax)
            #expect(smaller.units <= larger.units)
        }
    }

    @Test("proration never exceeds the annual tax, and a sign there all year pays it all")
    func prorationBounded() async throws {
        await propertyCheck(count: 500, input: Self.areas, Gen.int(in: 1...3), Self.types, Self.motions, Self.installDays) {
            areaCm2, faces, type, motion, installDay in
            guard let a = Assessor(taxYear: TaxYear(2024)), let faceArea = SignArea(cm2: areaCm2) else {
                Issue.record("bad generator output")
                return
            }
            let installedOn = Self.installed(installDay)
            let result = try a.assess(Sign(faceArea: faceArea, faces: faces, type: type, motion: motion, installedOn: installedOn))
            #expect(result.tax <= result.annualTax)
            #expect((1...4).contains(result.quarters))
            if installedOn.map({ $0.month <= 3 }) ?? true { #expect(result.tax == result.annualTax) }
            if !result.isExempt {
                // At least a quarter of the minimum per face.
                #expect(result.tax.value >= 20_000 / 4 * Int64(faces))
            }
        }
    }

    @Test("total = tax + surcharges; each surcharge within its legal bound")
    func totalIsSum() async throws {
        let filings = Gen.int(in: 0...400)   // 0: not assessed; 1: never filed; else day of 2024 filed
        let declared = Gen.int64(in: -1...1_000_000) // -1: none; else satang
        let notices = Gen.int(in: -1...300)  // -1: none; else day of 2024 received
        let payments = Gen.int(in: -1...700) // -1: unpaid; else days after 1 January 2024
        await propertyCheck(count: 500, input: Self.areas, Self.installDays, filings, declared, notices, payments) {
            areaCm2, installDay, filingDay, declaredSatang, noticeDay, paidDay in
            guard let a = Assessor(taxYear: TaxYear(2024), asOf: CivilDate(year: 2025, month: 6, day: 30)),
                  let faceArea = SignArea(cm2: areaCm2), let newYear = CivilDate(year: 2024, month: 1, day: 1) else {
                Issue.record("bad generator output")
                return
            }
            var sign = Sign(faceArea: faceArea, type: .thaiMixed, installedOn: Self.installed(installDay))
            switch filingDay {
            case 0: sign.filing = nil
            case 1: sign.filing = .neverFiled
            default: sign.filing = .filed(on: newYear.adding(days: filingDay), beforeNotice: filingDay % 2 == 0)
            }
            sign.declaredTax = declaredSatang < 0 ? nil : Satang(declaredSatang)
            sign.noticeReceivedOn = noticeDay < 0 ? nil : newYear.adding(days: noticeDay)
            sign.paidOn = paidDay < 0 ? nil : newYear.adding(days: paidDay)
            let r = try a.assess(sign)
            #expect(r.total.value == r.tax.value + r.surchargeNotFiled.value + r.surchargeUnderdeclared.value + r.surchargeLate.value)
            // 10 % at most for filing and under-declaration; 2 % per late month.
            #expect(r.surchargeNotFiled.value * 10 <= r.tax.value + 5)
            #expect(r.surchargeUnderdeclared.value * 10 <= r.tax.value + 5)
            #expect(r.surchargeLate.value * 50 <= r.tax.value * Int64(r.lateMonths) + 25)
            if sign.filing == nil { #expect(r.surchargeNotFiled == .zero) }
            if sign.declaredTax == nil { #expect(r.surchargeUnderdeclared == .zero) }
            if sign.noticeReceivedOn == nil { #expect(r.lateMonths == 0) }
        }
    }

    @Test("late months are the smallest n whose clamped month step reaches the payment date")
    func lateMonthsDefinition() async {
        await propertyCheck(count: 1_000, input: Gen.int(in: 0...3_000), Gen.int(in: -40...1_500)) { dueOffset, delay in
            guard let start = CivilDate(year: 2020, month: 1, day: 1) else { return }
            let due = start.adding(days: dueOffset)
            let paid = due.adding(days: delay)
            let n = Deadlines.lateMonths(dueDate: due, paidOn: paid)
            if paid <= due {
                #expect(n == 0)
            } else {
                #expect(n >= 1)
                #expect(due.adding(months: n) >= paid)
                #expect(n == 1 || due.adding(months: n - 1) < paid)
            }
        }
    }
}
