// Money is kept in satang (1 baht = 100 satang) as integers, so sums and comparisons are exact;
// shares (proration, surcharge percentages) are rounded once, by the tenant's rounding rule.

/// An amount of money in satang.
public struct Satang: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static func baht(_ baht: Int64) -> Satang { Satang(baht * 100) }

    public static let zero = Satang(0)

    public static func < (lhs: Satang, rhs: Satang) -> Bool { lhs.value < rhs.value }

    /// "2900.00": baht with exactly two decimals, as the CLI and forms show money.
    public var description: String {
        let magnitude = value.magnitude
        let fraction = magnitude % 100
        let text = "\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
        return value < 0 ? "-" + text : text
    }

    /// Whole baht when the amount has no satang ("50"), otherwise two decimals ("50.25").
    public var compactDescription: String {
        value % 100 == 0 ? String(value / 100) : description
    }
}

/// How a share of an amount that falls between two satang is settled.
public enum RoundingRule: String, Sendable, CaseIterable {
    /// Half a satang or more rounds away from zero (the default of PRODUCT.md section 5).
    case halfUp = "half-up"
    /// Banker's rounding, for a tenant whose finance office prefers it.
    case halfEven = "half-even"
}

/// An amount did not fit in 64 bits: only absurd input (kilometre-wide signs, millennia of arrears).
public struct MoneyOverflow: Error, Sendable {}

extension Satang {
    /// `self x numerator / denominator`, rounded to a satang by `rule`.
    /// Overflow is reported rather than trapped: the inputs come from data.
    public func share(_ numerator: Int64, over denominator: Int64, rounding rule: RoundingRule) throws(MoneyOverflow) -> Satang {
        precondition(denominator > 0, "a share needs a positive denominator")
        let (product, overflow) = value.multipliedReportingOverflow(by: numerator)
        if overflow { throw MoneyOverflow() }
        let negative = product < 0
        let magnitude = product.magnitude
        let d = UInt64(denominator)
        var quotient = magnitude / d
        let remainder = magnitude % d
        let twice = remainder * 2 // remainder < d <= Int64.max, so no overflow
        switch rule {
        case .halfUp:
            if twice >= d { quotient += 1 }
        case .halfEven:
            if twice > d || (twice == d && quotient % 2 == 1) { quotient += 1 }
        }
        guard quotient <= UInt64(Int64.max) else { throw MoneyOverflow() }
        return Satang(negative ? -Int64(quotient) : Int64(quotient))
    }

    public func adding(_ other: Satang) throws(MoneyOverflow) -> Satang {
        let (sum, overflow) = value.addingReportingOverflow(other.value)
        if overflow { throw MoneyOverflow() }
        return Satang(sum)
    }

    public func times(_ factor: Int64) throws(MoneyOverflow) -> Satang {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        if overflow { throw MoneyOverflow() }
        return Satang(product)
    }
}
