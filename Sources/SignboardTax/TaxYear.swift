// The tax year is the calendar year (PRODUCT.md section 5). People type it in the Buddhist Era as
// often as not; a four-digit year above 2400 is BE (PRODUCT.md section 4), BE = CE + 543.

/// A tax year, always held in the Common Era.
public struct TaxYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let ce: Int

    /// Years above this are Buddhist Era.
    public static let buddhistEraThreshold = 2400
    public static let buddhistEraOffset = 543

    /// Accepts a CE year or a BE year (> 2400).
    public init(_ year: Int) {
        ce = year > TaxYear.buddhistEraThreshold ? year - TaxYear.buddhistEraOffset : year
    }

    public init(ce: Int) { self.ce = ce }

    public var be: Int { ce + TaxYear.buddhistEraOffset }

    public static func < (lhs: TaxYear, rhs: TaxYear) -> Bool { lhs.ce < rhs.ce }

    public var description: String { String(ce) }
}
