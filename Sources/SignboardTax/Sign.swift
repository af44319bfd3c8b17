// A sign as the assessment needs it: what the register or a return says about one sign for one
// tax year. Absent facts are nil; the assessment decides what absence means.

/// One sign to assess.
public struct Sign: Sendable, Hashable {
    /// Area of one face.
    public var faceArea: SignArea
    /// Faces carrying content (a two-sided sign has 2).
    public var faces: Int
    public var type: SignType
    public var motion: SignMotion
    /// nil: installed before the tax year.
    public var installedOn: CivilDate?
    /// A reason code recorded by the officer; small signs are also detected from their area.
    public var exemption: Exemption?
    /// nil: the filing is not assessed (no surcharge for not filing).
    public var filing: FilingRecord?
    /// The tax the owner declared; nil: no under-declaration surcharge.
    public var declaredTax: Satang?
    /// The owner corrected the declaration before the officer's notice.
    public var correctedBeforeNotice: Bool
    /// The day the ภ.ป.3 notice was received; needed for a late-payment surcharge.
    public var noticeReceivedOn: CivilDate?
    /// The day the tax was paid; nil: not paid (arrears run to the assessment's as-of date).
    public var paidOn: CivilDate?

    public init(faceArea: SignArea, faces: Int = 1, type: SignType, motion: SignMotion = .other,
                installedOn: CivilDate? = nil, exemption: Exemption? = nil, filing: FilingRecord? = nil,
                declaredTax: Satang? = nil, correctedBeforeNotice: Bool = false,
                noticeReceivedOn: CivilDate? = nil, paidOn: CivilDate? = nil) {
        self.faceArea = faceArea
        self.faces = faces
        self.type = type
        self.motion = motion
        self.installedOn = installedOn
        self.exemption = exemption
        self.filing = filing
        self.declaredTax = declaredTax
        self.correctedBeforeNotice = correctedBeforeNotice
        self.noticeReceivedOn = noticeReceivedOn
        self.paidOn = paidOn
    }
}
