// Points the law leaves to practice are tenant settings (PRODUCT.md section 5). The defaults are
// the platform's reading; a municipality whose finance office reads the law differently changes a
// setting, not the code.

/// How a municipality applies the points the law leaves open.
public struct AssessmentPolicy: Sendable, Hashable {
    /// When the regulation's minimum tax per sign is applied.
    public enum MinimumTiming: String, Sendable, CaseIterable {
        /// To the annual tax, before first-year proration: a minimum sign installed in October pays
        /// 200 x 25 % = 50.00 baht (default).
        case beforeProration = "before-proration"
        /// To the prorated tax: the same sign pays 200.00 baht.
        case afterProration = "after-proration"
    }

    /// How a sign with several faces is assessed.
    public enum FaceAssessment: String, Sendable, CaseIterable {
        /// Each face that carries content is its own sign: its own units and minimum (default).
        case eachFaceIsASign = "each-face"
        /// The faces' areas are added and assessed as one sign, with one minimum.
        case facesTogether = "faces-together"
    }

    public var minimumTiming: MinimumTiming
    public var faceAssessment: FaceAssessment
    /// Money is kept in satang; shares are rounded by this rule (default half-up).
    public var rounding: RoundingRule

    public init(minimumTiming: MinimumTiming = .beforeProration,
                faceAssessment: FaceAssessment = .eachFaceIsASign,
                rounding: RoundingRule = .halfUp) {
        self.minimumTiming = minimumTiming
        self.faceAssessment = faceAssessment
        self.rounding = rounding
    }

    /// The defaults of PRODUCT.md section 5.
    public static let standard = AssessmentPolicy()
}
