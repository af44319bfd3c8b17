// Area of one face, width x height (the widest and longest extent). Sizes are measured to the
// millimetre or finer, so area is fixed-point: ten-thousandths of a cm² (lengths in hundredths
// of a cm), which keeps the 250/500 cm² comparisons exact where floating point would not be.

/// Area of one face of a sign.
public struct SignArea: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Ten-thousandths of a cm² per unit of `scaled`.
    public static let scale: Int64 = 10_000
    /// Largest accepted area: 10^12 cm² (a square kilometre is 10^10 cm²). Beyond this the input is
    /// wrong, and the fixed-point arithmetic must not overflow.
    public static let maximumCm2: Int64 = 1_000_000_000_000

    /// Area in ten-thousandths of a cm².
    public let scaled: Int64

    public init?(scaled: Int64) {
        guard scaled > 0, scaled <= SignArea.maximumCm2 * SignArea.scale else { return nil }
        self.scaled = scaled
    }

    /// Whole cm².
    public init?(cm2: Int64) {
        guard cm2 > 0, cm2 <= SignArea.maximumCm2 else { return nil }
        scaled = cm2 * SignArea.scale
    }

    /// Width and height in hundredths of a cm.
    public init?(widthHundredths: Int64, heightHundredths: Int64) {
        guard widthHundredths > 0, heightHundredths > 0 else { return nil }
        let (product, overflow) = widthHundredths.multipliedReportingOverflow(by: heightHundredths)
        guard !overflow else { return nil }
        self.init(scaled: product)
    }

    public static func < (lhs: SignArea, rhs: SignArea) -> Bool { lhs.scaled < rhs.scaled }

    /// "28800", or "120.75" when the area has a fraction of a cm² (trailing zeros trimmed).
    public var description: String {
        let whole = scaled / SignArea.scale
        var fraction = scaled % SignArea.scale
        if fraction == 0 { return String(whole) }
        var digits = 4
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }

    /// Area times a count (all faces together), nil when it would exceed the accepted maximum.
    public func times(_ count: Int) -> SignArea? {
        let (product, overflow) = scaled.multipliedReportingOverflow(by: Int64(count))
        return overflow ? nil : SignArea(scaled: product)
    }

    /// Taxable units: whole `unitAreaCm2` blocks, plus one for a remainder above
    /// `remainderDroppedUpToCm2` (a remainder of that much or less is dropped).
    public func units(under regulation: Regulation) -> Int64 {
        let unit = regulation.unitAreaCm2 * SignArea.scale
        let threshold = regulation.remainderDroppedUpToCm2 * SignArea.scale
        let whole = scaled / unit
        return scaled % unit > threshold ? whole + 1 : whole
    }
}
