import TensorCore

/// A miner that draws at random: `mine(_:)` draws from a generator seeded with `seed`, so
/// the same batch gives the same tuples, and `mine(_:using:)` draws from a generator the
/// caller advances, for a stream of draws across batches.
///
/// A seeded miner that mines from the matrix of a library distance hands it on
/// (`Miner.mineSharingMatrix(_:)`) by implementing `mineSharingMatrix(_:using:)`.
public protocol SeededMiner<Scalar>: Miner {
    /// The seed of the draws made by `mine(_:)`.
    var seed: UInt64 { get set }
    /// The tuples mined with draws from `generator`, which advances.
    func mine(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MinedTuples
    /// The tuples mined with draws from `generator` and the matrix they were mined from;
    /// the default hands on no matrix.
    func mineSharingMatrix(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MiningResult<Scalar>
}

extension SeededMiner {
    /// The tuples mined with draws from a generator seeded with `seed`.
    public func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples {
        var generator = SeededRandomGenerator(seed: seed)
        return try mine(inputs, using: &generator)
    }

    /// The tuples and matrix mined with draws from a generator seeded with `seed`.
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        var generator = SeededRandomGenerator(seed: seed)
        return try mineSharingMatrix(inputs, using: &generator)
    }

    /// The tuples mined with draws from `generator`, without a matrix.
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MiningResult<Scalar> {
        MiningResult(tuples: try mine(inputs, using: &generator))
    }
}
