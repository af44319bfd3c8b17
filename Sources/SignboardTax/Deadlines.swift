// Filing and payment deadlines of the Signboard Tax Act: form ภ.ป.1 is filed by 31 March of the
// tax year, or within 15 days of installing a sign later in the year; payment is due within 15
// days of receiving the assessment notice ภ.ป.3.

public enum Deadlines {
    /// The yearly filing date: 31 March.
    public static let yearlyFilingMonth = 3
    public static let yearlyFilingDay = 31
    /// Days allowed to file for a sign installed after the yearly date.
    public static let daysToFileAfterInstallation = 15
    /// Days allowed to pay after the ภ.ป.3 notice is received.
    public static let daysToPayAfterNotice = 15

    /// The last day to file ภ.ป.1 for a tax year: 31 March, or, for a sign installed in the tax
    /// year, the later of 31 March and installation + 15 days.
    public static func filingDeadline(taxYear: TaxYear, installedOn: CivilDate?) -> CivilDate {
        // A tax year is 1...9999 once validated; fall back to the installation date otherwise.
        let yearly = CivilDate(year: taxYear.ce, month: yearlyFilingMonth, day: yearlyFilingDay)
        guard let yearly else { return installedOn ?? (taxYear.ce < 1 ? .earliest : .latest) }
        guard let installedOn, installedOn.year == taxYear.ce else { return yearly }
        return max(yearly, installedOn.adding(days: daysToFileAfterInstallation))
    }

    /// The last day to pay without surcharge.
    public static func paymentDueDate(noticeReceivedOn: CivilDate) -> CivilDate {
        noticeReceivedOn.adding(days: daysToPayAfterNotice)
    }

    /// Months of late payment, a part of a month counting as a month: 0 when paid by the due date,
    /// else the smallest n >= 1 such that the due date plus n calendar months (clamped to the
    /// month's last day) is on or after the payment date.
    public static func lateMonths(dueDate: CivilDate, paidOn: CivilDate) -> Int {
        guard paidOn > dueDate else { return 0 }
        // The difference in month numbers, m, is a lower bound: due + (m - 1) months falls in the
        // month before the payment's. due + m lands in the payment's month and may still fall short
        // of its day, in which case m + 1 is the answer.
        let n = max(1, (paidOn.year - dueDate.year) * 12 + (paidOn.month - dueDate.month))
        return dueDate.adding(months: n) >= paidOn ? n : n + 1
    }
}
