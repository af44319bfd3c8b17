// The assessment of one sign for one tax year: units x rate with the regulation's minimum,
// first-year proration by quarter, exemptions, and the section 25 surcharges.

/// The result of assessing one sign.
public struct Assessment: Sendable, Hashable {
    public var taxYear: TaxYear
    /// Area of one assessed sign: one face under the default policy.
    public var area: SignArea
    /// Units of one assessed sign.
    public var units: Int64
    /// Rate per unit.
    public var rate: Satang
    /// Tax for a full year, all faces, before proration (zero when exempt).
    public var annualTax: Satang
    /// Quarters of the year the sign pays for: 4, or fewer when installed during the year.
    public var quarters: Int
    /// Tax after proration.
    public var tax: Satang
    public var exemption: Exemption?
    public var filingDeadline: CivilDate
    public var surchargeNotFiled: Satang
    public var surchargeUnderdeclared: Satang
    public var lateMonths: Int
    public var surchargeLate: Satang
    /// Tax plus every surcharge.
    public var total: Satang

    public var isExempt: Bool { exemption != nil }
}

/// Assesses signs for one tax year under one regulation and one tenant policy.
public struct Assessor: Sendable {
    public let taxYear: TaxYear
    public let regulation: Regulation
    public let policy: AssessmentPolicy
    /// The day arrears are computed to when a sign has a notice but no payment date.
    public let asOf: CivilDate?

    /// nil when no regulation in `rates` covers the tax year, or the year is outside 1...9999.
    public init?(taxYear: TaxYear, rates: RateTable = .thailand, policy: AssessmentPolicy = .standard,
                 asOf: CivilDate? = nil) {
        guard (1...9999).contains(taxYear.ce), let regulation = rates.regulation(for: taxYear) else { return nil }
        self.taxYear = taxYear
        self.regulation = regulation
        self.policy = policy
        self.asOf = asOf
    }

    public func assess(_ sign: Sign) throws(SignError) -> Assessment {
        do {
            return try assessChecked(sign)
        } catch let error as SignError {
            throw error
        } catch {
            throw .amountOutOfRange
        }
    }

    /// Quarters payable: 4 for a sign installed before the tax year; otherwise from the quarter
    /// of installation (January-March 4, April-June 3, July-September 2, October-December 1).
    public func quarters(installedOn: CivilDate?) throws(SignError) -> Int {
        guard let installedOn else { return 4 }
        if installedOn.year > taxYear.ce { throw .installedAfterTaxYear(installedOn) }
        if installedOn.year < taxYear.ce { return 4 }
        return 5 - installedOn.quarter
    }

    private func assessChecked(_ sign: Sign) throws -> Assessment {
        guard sign.faces >= 1 else { throw SignError.badFaces }
        let quarters = try quarters(installedOn: sign.installedOn)
        let rate = regulation.rate(for: sign.type, motion: sign.motion)

        // Each face is its own sign by default; otherwise the faces' areas are added.
        let assessedArea: SignArea
        let assessedCount: Int64
        switch policy.faceAssessment {
        case .eachFaceIsASign:
            assessedArea = sign.faceArea
            assessedCount = Int64(sign.faces)
        case .facesTogether:
            guard let together = sign.faceArea.times(sign.faces) else { throw SignError.sizeTooLarge }
            assessedArea = together
            assessedCount = 1
        }
        let units = assessedArea.units(under: regulation)
        let deadline = Deadlines.filingDeadline(taxYear: taxYear, installedOn: sign.installedOn)

        let exemption = try exemption(of: sign)
        var assessment = Assessment(
            taxYear: taxYear, area: assessedArea, units: units, rate: rate, annualTax: .zero,
            quarters: quarters, tax: .zero, exemption: exemption, filingDeadline: deadline,
            surchargeNotFiled: .zero, surchargeUnderdeclared: .zero, lateMonths: 0,
            surchargeLate: .zero, total: .zero)
        if exemption != nil { return assessment }

        let rounding = policy.rounding
        let perSign = try rate.times(units)
        let perSignAnnual = max(perSign, regulation.minimumPerSign)
        let annual = try perSignAnnual.times(assessedCount)
        let tax: Satang
        switch policy.minimumTiming {
        case .beforeProration:
            tax = try annual.share(Int64(quarters), over: 4, rounding: rounding)
        case .afterProration:
            let prorated = try perSign.share(Int64(quarters), over: 4, rounding: rounding)
            tax = try max(prorated, regulation.minimumPerSign).times(assessedCount)
        }

        let notFiledPercent = sign.filing?.surchargePercent(deadline: deadline) ?? 0
        let notFiled = try tax.share(notFiledPercent, over: 100, rounding: rounding)

        var underdeclared = Satang.zero
        if let declared = sign.declaredTax, !sign.correctedBeforeNotice, tax > declared {
            let additional = Satang(tax.value - declared.value)
            underdeclared = try additional.share(Surcharges.underdeclaredPercent, over: 100, rounding: rounding)
        }

        var lateMonths = 0
        if let notice = sign.noticeReceivedOn, let end = sign.paidOn ?? asOf {
            lateMonths = Deadlines.lateMonths(dueDate: Deadlines.paymentDueDate(noticeReceivedOn: notice), paidOn: end)
        }
        let (latePercent, overflow) = Surcharges.latePaymentPercentPerMonth.multipliedReportingOverflow(by: Int64(lateMonths))
        if overflow { throw SignError.amountOutOfRange }
        let late = try tax.share(latePercent, over: 100, rounding: rounding)

        assessment.annualTax = annual
        assessment.tax = tax
        assessment.surchargeNotFiled = notFiled
        assessment.surchargeUnderdeclared = underdeclared
        assessment.lateMonths = lateMonths
        assessment.surchargeLate = late
        assessment.total = try tax.adding(notFiled).adding(underdeclared).adding(late)
        return assessment
    }

    /// The recorded exemption, checked against the size limits the law attaches to it, or
    /// `.smallSign` for a face of 500 cm² or less.
    private func exemption(of sign: Sign) throws(SignError) -> Exemption? {
        let small = sign.faceArea.scaled <= Exemption.smallSignMaximumCm2 * SignArea.scale
        switch sign.exemption {
        case .insideBuilding?:
            if sign.faceArea.scaled > Exemption.insideBuildingMaximumCm2 * SignArea.scale {
                throw .insideBuildingTooLarge
            }
            return .insideBuilding
        case .smallSign?:
            if !small { throw .smallSignTooLarge }
            return .smallSign
        case let code?:
            return code
        case nil:
            return small ? .smallSign : nil
        }
    }
}
