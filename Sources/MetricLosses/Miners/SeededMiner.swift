import TensorCore

/// A miner that draws at random: `mine(_:)` draws from a generator seeded with `seed`, so
/// the same batch gives the same tuples, and `mine(_:using:)` draws from a generator the
/// caller advances, for a stream of draws across batches.
public protocol SeededMiner<Scalar>: Miner {
    /// The seed of the draws made by `mine(_:)`.
    var seed: UInt64 { get set }
    /// The tuples mined with draws from `generator`, which advances.
    func mine(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MinedTuples
}

extension SeededMiner {
    /// The tuples mined with draws from a generator seeded with `seed`.
    public func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples {
        var generator = SeededRandomGenerator(seed: seed)
        return try mine(inputs, using: &generator)
    }
}
