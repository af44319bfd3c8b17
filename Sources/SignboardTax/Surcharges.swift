// Surcharges (เงินเพิ่ม) of section 25 of the Signboard Tax Act. Each is a percentage of the tax
// itself, never of another surcharge.

public enum Surcharges {
    /// Not filing ภ.ป.1 in time.
    public static let notFiledPercent: Int64 = 10
    /// Filing late, but before the officer notices.
    public static let filedLateBeforeNoticePercent: Int64 = 5
    /// Under-declaring: a percentage of the additional tax.
    public static let underdeclaredPercent: Int64 = 10
    /// Paying late: per month, a part of a month counting as a month.
    public static let latePaymentPercentPerMonth: Int64 = 2
}

/// What is known about the owner's ภ.ป.1 return for the year.
public enum FilingRecord: Sendable, Hashable {
    /// Never filed.
    case neverFiled
    /// Filed on a date; `beforeNotice` when the owner filed before the officer noticed.
    case filed(on: CivilDate, beforeNotice: Bool)

    /// The filing surcharge percentage given the deadline.
    public func surchargePercent(deadline: CivilDate) -> Int64 {
        switch self {
        case .neverFiled:
            return Surcharges.notFiledPercent
        case let .filed(date, beforeNotice):
            if date <= deadline { return 0 }
            return beforeNotice ? Surcharges.filedLateBeforeNoticePercent : Surcharges.notFiledPercent
        }
    }
}
