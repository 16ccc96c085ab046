import TensorCore

/// A penalty on the embeddings themselves, added to a metric loss with a weight
/// (`MetricLoss.regularized(by:weight:)`, PML's `embedding_regularizer` and
/// `embedding_reg_weight`).
///
/// A conformer gives one term per embedding (`terms(_:)`) and the reducer that turns them
/// into the penalty (PML's regularizer `reducer`, `MeanReducer` by default); the penalty is
/// `reducer.reduce(terms(embeddings))`.
public protocol EmbeddingRegularizer<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// One term per row of `embeddings` (`[N, D]` → `[N]`). Hyperparameters out of range
    /// are an `invalidParameter` error carried by the result.
    func terms(_ embeddings: Variable<Scalar>) -> Variable<Scalar>
    /// How the terms become the penalty.
    var reducer: any Reducer<Scalar> { get }
}

extension EmbeddingRegularizer {
    /// The penalty of `embeddings`: the terms, reduced.
    public func callAsFunction(_ embeddings: Variable<Scalar>) -> Variable<Scalar> {
        reducer.reduce(terms(embeddings))
    }
}
