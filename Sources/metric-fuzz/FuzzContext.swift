/// Which call is being made: the run's seed, the iteration, the object and its inputs.
///
/// Printed before the call under `--verbose`, so that a crash names its case; replay it
/// with `--seed S --only I`.
struct FuzzContext {
    /// The run's seed.
    let seed: UInt64
    /// The iteration (case) number.
    let iteration: Int
    /// The kind of object called.
    let kind: FuzzKind
    /// The object's registry name with its scalar type, e.g. `triplet/swap<Float>`.
    let name: String
    /// The call and how its inputs were made.
    var description: String

    /// The key the tally counts the object under.
    var object: String { "\(kind.rawValue) \(name)" }
    /// How to find the case again.
    var header: String { "seed \(seed) iteration \(iteration) \(object)" }
}
