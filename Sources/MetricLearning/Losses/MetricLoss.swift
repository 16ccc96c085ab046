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
}

extension MetricLoss {
    /// The loss over all pairs or triplets of the batch.
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try self(embeddings, labels: labels, tuples: nil)
    }

    /// The loss value and its gradient with respect to the embeddings.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try MetricLearning.valueWithGradient(at: embeddings) { try self($0, labels: labels, tuples: tuples) }
    }

    /// The loss value alone, without recording a tape.
    public func value(embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil) throws -> Scalar {
        try self(Variable(embeddings), labels: labels, tuples: tuples).checked().value.scalars[0]
    }
}
