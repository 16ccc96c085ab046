import TensorCore

/// What a miner hands to the loss after it: the tuples it chose and, when it computed one,
/// the matrix it chose them from (`MinedMatrix`), so that the loss need not compute it again.
public struct MiningResult<Scalar: TensorScalar>: Sendable {
    /// The mined pairs or triplets.
    public var tuples: MinedTuples
    /// The matrix the tuples were mined from, if the miner computed one a loss can reuse.
    public var matrix: MinedMatrix<Scalar>?

    /// The tuples, with the matrix they came from if any.
    public init(tuples: MinedTuples, matrix: MinedMatrix<Scalar>? = nil) {
        (self.tuples, self.matrix) = (tuples, matrix)
    }

    /// The tuples alone, the matrix given back to `ScratchMemory` for the next step's miner
    /// (for a miner called on its own, whose matrix nobody else reads).
    consuming func releasingMatrix() -> MinedTuples {
        matrix?.recycle()
        return tuples
    }
}
