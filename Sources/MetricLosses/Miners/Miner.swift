import TensorCore

/// Chooses the pairs or triplets of a batch that a loss should see.
///
/// Miners look at values only: they never take part in the gradient.
public protocol Miner<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The tuples mined from `embeddings` (`[N, D]`) with `labels` (N of them).
    func mine(_ embeddings: Tensor<Scalar>, labels: [Int]) throws -> MinedTuples
    /// The tuples mined between a batch's anchors and references (PML's `ref_emb`). The
    /// default handles a batch against itself; every miner of the library implements it.
    func mine(_ inputs: MiningInputs<Scalar>) throws -> MinedTuples
}

extension Miner {
    public func mine(_ inputs: MiningInputs<Scalar>) throws -> MinedTuples {
        guard inputs.selfOffset == 0, inputs.embeddings == inputs.references, inputs.labels == inputs.referenceLabels else {
            throw MetricLearningError(.invalidParameter, "\(Self.self) does not support reference embeddings")
        }
        return try mine(inputs.embeddings, labels: inputs.labels)
    }

    /// The tuples mined between `embeddings` and separate `references`.
    public func mine(_ embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int]) throws -> MinedTuples {
        try mine(MiningInputs(embeddings: embeddings, labels: labels, references: references, referenceLabels: referenceLabels))
    }
}
