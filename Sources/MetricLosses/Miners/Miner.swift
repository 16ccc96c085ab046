import TensorCore

/// Chooses the pairs or triplets of a batch that a loss should see.
///
/// One requirement, `mine(_:)` over a batch and its references (by default the batch
/// itself); the batch-only forms below come for free. Miners look at values only: they
/// never take part in the gradient. Two capabilities have defaults: `rule`, for losses that
/// apply the rule themselves, and `mineSharingMatrix(_:)`, for a miner that hands the matrix
/// it mined from to the loss after it (conform to `MatrixSharingMiner` to implement that one
/// instead of `mine(_:)`).
public protocol Miner<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The tuples mined between `inputs.embeddings` (anchors) and `inputs.references`:
    /// anchors index the batch, positives and negatives the references.
    func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples
    /// The rule this miner applies, when it is one a fused loss path can apply itself
    /// without listing the tuples; nil (the default) for any other miner.
    ///
    /// A miner that reports a rule promises that `mine(_:)` returns exactly the tuples the
    /// rule selects.
    var rule: MiningRule<Scalar>? { get }
    /// The tuples and the matrix they were mined from, for the loss after the miner to
    /// reuse (`MetricLoss.minedThenReduced(_:by:)`); the default hands on no matrix.
    func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar>
}

extension Miner {
    /// No rule a fused path knows: losses mine, then reduce.
    public var rule: MiningRule<Scalar>? { nil }

    /// The mined tuples, without a matrix.
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        MiningResult(tuples: try mine(inputs))
    }

    /// The tuples mined from `embeddings` (`[N, D]`) with `labels` (N of them).
    public func mine(_ embeddings: Tensor<Scalar>, labels: [Int]) throws -> MinedTuples {
        try mine(BatchInputs(embeddings: embeddings, labels: labels))
    }

    /// The tuples mined between `embeddings` and separate `references`.
    public func mine(_ embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int]) throws -> MinedTuples {
        try mine(BatchInputs(embeddings: embeddings, labels: labels, references: references, referenceLabels: referenceLabels))
    }
}
