import TensorCore

/// A loss over a batch of embeddings and their labels, optionally restricted to mined tuples.
///
/// `tuples: nil` means every pair or triplet of the batch, as in PML. Conform your own
/// loss by implementing `callAsFunction(_:labels:tuples:)` with differentiable operations;
/// the conveniences below come for free.
public protocol MetricLoss<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The loss (a rank-0 variable) of `embeddings` (`[N, D]`) with `labels` (N of them).
    func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar>
    /// The loss of the batch's anchors against references (PML's `ref_emb`): tuples index
    /// anchors in the batch and positives and negatives in the references. The default
    /// handles a batch against itself and throws for separate references; every loss of
    /// the library implements it.
    func callAsFunction(_ inputs: LossInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar>
}

extension MetricLoss {
    public func callAsFunction(_ inputs: LossInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        guard inputs.referencesAreEmbeddings else {
            throw MetricLearningError(.invalidParameter, "\(Self.self) does not support reference embeddings")
        }
        return try self(inputs.embeddings, labels: inputs.labels, tuples: tuples)
    }

    /// The loss of `embeddings` against `references` (anchors from the batch, positives and
    /// negatives from the references).
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, labels: [Int], references: Variable<Scalar>, referenceLabels: [Int], tuples: MinedTuples? = nil
    ) throws -> Variable<Scalar> {
        try self(LossInputs(embeddings: embeddings, labels: labels, references: references, referenceLabels: referenceLabels), tuples: tuples)
    }

    /// The loss against references and its gradients for both the embeddings and the references.
    public func valueWithGradients(
        embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int], tuples: MinedTuples? = nil
    ) throws -> (value: Scalar, embeddingsGradient: Tensor<Scalar>, referencesGradient: Tensor<Scalar>) {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, references]) {
            try self($0[0], labels: labels, references: $0[1], referenceLabels: referenceLabels, tuples: tuples)
        }
        return (value, gradients[0], gradients[1])
    }

    /// The loss over all pairs or triplets of the batch.
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try self(embeddings, labels: labels, tuples: nil)
    }

    /// The loss value and its gradient with respect to the embeddings.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try TensorCore.valueWithGradient(at: embeddings) { try self($0, labels: labels, tuples: tuples) }
    }

    /// The loss value alone, without recording a tape.
    public func value(embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil) throws -> Scalar {
        try self(Variable(embeddings), labels: labels, tuples: tuples).checked().value.scalars[0]
    }
}
