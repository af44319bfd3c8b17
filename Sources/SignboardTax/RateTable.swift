// Rates are set by ministerial regulation, not by the Act, and change every few decades. They are
// data keyed by the first tax year they apply to (a regulation applies from the tax year after its
// publication), so a new regulation is one new entry in `RateTable.thailand`, never new code.

/// The rates and sign-measuring constants of one ministerial regulation.
public struct Regulation: Sendable, Hashable {
    /// The first tax year (CE) the regulation applies to.
    public let firstTaxYear: Int
    public let name: String
    /// Tax is charged per this many cm² of sign area.
    public let unitAreaCm2: Int64
    /// A remainder of more than this many cm² counts as one more unit; this much or less is dropped.
    public let remainderDroppedUpToCm2: Int64
    /// The least tax one sign pays in a year.
    public let minimumPerSign: Satang
    /// Baht per unit, by type, for moving/changeable signs and for other signs.
    public let moving: [SignType: Satang]
    public let other: [SignType: Satang]

    public init(firstTaxYear: Int, name: String, unitAreaCm2: Int64 = 500, remainderDroppedUpToCm2: Int64 = 250,
                minimumPerSign: Satang, moving: [SignType: Satang], other: [SignType: Satang]) {
        self.firstTaxYear = firstTaxYear
        self.name = name
        self.unitAreaCm2 = unitAreaCm2
        self.remainderDroppedUpToCm2 = remainderDroppedUpToCm2
        self.minimumPerSign = minimumPerSign
        self.moving = moving
        self.other = other
    }

    /// The rate per unit for a sign of this type and motion.
    public func rate(for type: SignType, motion: SignMotion) -> Satang {
        // Every entry lists all three types; zero would only show up for a malformed table.
        (motion == .moving ? moving[type] : other[type]) ?? .zero
    }
}

/// Regulations in force over time.
public struct RateTable: Sendable {
    /// Sorted by `firstTaxYear`.
    public let regulations: [Regulation]

    public init(_ regulations: [Regulation]) {
        self.regulations = regulations.sorted { $0.firstTaxYear < $1.firstTaxYear }
    }

    /// The regulation in force for a tax year: the latest one that had begun by then.
    public func regulation(for year: TaxYear) -> Regulation? {
        regulations.last { $0.firstTaxYear <= year.ce }
    }

    /// Thailand's signboard tax rates.
    public static let thailand = RateTable([
        // Ministerial regulation of 1992 (B.E. 2535): 3 / 20 / 40 baht per 500 cm² for types
        // 1 / 2 / 3, no distinction for moving signs. In force for tax years up to 2020.
        Regulation(
            firstTaxYear: 1993, name: "Ministerial Regulation B.E. 2535 (1992)",
            minimumPerSign: .baht(200),
            moving: [.thaiOnly: .baht(3), .thaiMixed: .baht(20), .foreignOrThaiBelow: .baht(40)],
            other: [.thaiOnly: .baht(3), .thaiMixed: .baht(20), .foreignOrThaiBelow: .baht(40)]),
        // Ministerial regulation of 2020 (B.E. 2563), from tax year 2021 (B.E. 2564):
        // type 1: 10 moving / 5 other; type 2: 52 / 26; type 3: 52 / 50.
        Regulation(
            firstTaxYear: 2021, name: "Ministerial Regulation B.E. 2563 (2020)",
            minimumPerSign: .baht(200),
            moving: [.thaiOnly: .baht(10), .thaiMixed: .baht(52), .foreignOrThaiBelow: .baht(52)],
            other: [.thaiOnly: .baht(5), .thaiMixed: .baht(26), .foreignOrThaiBelow: .baht(50)]),
    ])
}
