// Sign types of the Signboard Tax Act B.E. 2510 (as amended B.E. 2534): the rate depends on how
// the sign uses the Thai script, because the Act taxes foreign-language signs more heavily.

/// The three sign types. Raw values are the codes used in data ("1", "2", "3").
public enum SignType: String, Sendable, CaseIterable, Hashable {
    /// Thai characters only.
    case thaiOnly = "1"
    /// Thai mixed with foreign characters and/or pictures or marks.
    case thaiMixed = "2"
    /// No Thai characters, or Thai characters (partly or wholly) below the foreign ones.
    case foreignOrThaiBelow = "3"
}

/// The 2020 regulation distinguishes signs whose text or images move or change (e.g. LED).
public enum SignMotion: Sendable, Hashable, CaseIterable {
    case moving
    case other
}
