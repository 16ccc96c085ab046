import TensorCore

/// A miner that computes a matrix of a library distance and hands it on with its tuples
/// (`MiningResult.matrix`), so that the loss after it does not compute it again.
///
/// Conform by implementing `mineSharingMatrix(_:)`; `mine(_:)` comes from it, its matrix
/// given back to `ScratchMemory` for the next step (nothing else reads it then).
public protocol MatrixSharingMiner<Scalar>: Miner {}

extension MatrixSharingMiner {
    /// The tuples of `mineSharingMatrix(_:)`.
    public func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples {
        try mineSharingMatrix(inputs).releasingMatrix()
    }
}
