import MetricLearning

/// One enrolled object of the library, under a name every suite reports it by.
///
/// The registries (`Registry`) list each loss, miner, distance and reducer once, for both
/// scalar types; every suite iterates them by name, so a new type enrolled there cannot
/// escape a suite.
struct RegistryEntry<Object>: CustomStringConvertible {
    /// The name tests report, `kind` or `kind/variant`.
    let name: String
    /// The configured object.
    let object: Object
    /// What the suites need to know about it.
    var traits: RegistryTraits = []

    var description: String { name }
}

/// Facts about an enrolled object that change what a suite may expect of it.
struct RegistryTraits: OptionSet {
    let rawValue: Int
    /// A triplet-based loss: no term (0, zero gradient) without both a positive and a negative.
    static let needsTriplets = RegistryTraits(rawValue: 1 << 0)
    /// Expects embeddings inside the unit ball (tests scale batches by 0.3).
    static let unitBall = RegistryTraits(rawValue: 1 << 1)
    /// A miner that draws at random (seeded): deterministic, but not a function of order alone.
    static let sampling = RegistryTraits(rawValue: 1 << 2)
}
