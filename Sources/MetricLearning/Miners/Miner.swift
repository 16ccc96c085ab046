/// Chooses the pairs or triplets of a batch that a loss should see.
///
/// Miners look at values only: they never take part in the gradient.
public protocol Miner<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The tuples mined from `embeddings` (`[N, D]`) with `labels` (N of them).
    func mine(_ embeddings: Tensor<Scalar>, labels: [Int]) throws -> MinedTuples
}

extension Miner {
    /// The validated batch's matrix under `distance`.
    @usableFromInline func matrix(
        _ embeddings: Tensor<Scalar>, labels: [Int], distance: any Distance<Scalar>
    ) throws -> Tensor<Scalar> {
        try BatchValidation.check(embeddings, labels: labels)
        return try distance.matrix(embeddings, embeddings)
    }
}
