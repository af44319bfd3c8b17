// Exemptions of section 8 of the Signboard Tax Act B.E. 2510 and of ministerial regulation No. 2
// of 1992 (B.E. 2535). The officer records why a sign pays nothing as one of these reason codes;
// the raw values are stable strings used in data and in the CLI, never renamed.

/// Why a sign is exempt.
public enum Exemption: String, Sendable, CaseIterable, Hashable {
    /// A face of 500 cm² or less (ministerial regulation No. 2). Also assigned automatically.
    case smallSign = "small-sign"
    /// At a theatre or cinema, about its shows (section 8).
    case theatre = "theatre"
    /// On goods or their packaging (section 8).
    case goodsPackaging = "goods-packaging"
    /// Within the grounds of a temporary event (section 8).
    case temporaryEvent = "temporary-event"
    /// Carried on a person or an animal (section 8).
    case personAnimal = "person-animal"
    /// Inside a building, each sign at most 3 m² (section 8); larger signs are not exempt.
    case insideBuilding = "inside-building"
    /// Of a central, provincial or local government body (section 8).
    case government = "government"
    /// Of a state enterprise or an organisation set up under the law on state organisations (section 8).
    case stateEnterprise = "state-enterprise"
    /// Of the Bank of Thailand (section 8).
    case bankOfThailand = "bank-of-thailand"
    /// Of a designated state financial institution (section 8).
    case financialInstitution = "financial-institution"
    /// Of a private school, shown on its premises (section 8).
    case privateSchool = "private-school"
    /// Of a farmer selling their own produce (section 8).
    case farmerProduce = "farmer-produce"
    /// Of a temple, or of a body working for religion or public charity (section 8).
    case religiousCharitable = "religious-charitable"
    /// Of an association or a foundation (section 8).
    case associationFoundation = "association-foundation"
    /// On a vehicle or a cart (ministerial regulation No. 2).
    case vehicle = "vehicle"

    /// Signs at most this large are exempt as small signs, per face.
    public static let smallSignMaximumCm2: Int64 = 500
    /// Signs inside a building are exempt up to this size per face (3 m²).
    public static let insideBuildingMaximumCm2: Int64 = 30_000
}
