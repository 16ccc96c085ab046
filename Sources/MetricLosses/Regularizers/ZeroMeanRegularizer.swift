import TensorCore

/// The magnitude of each embedding's sum, |Σₖ xₖ| per row, reduced: pushes every embedding
/// towards zero mean over its dimensions.
///
/// PML's `ZeroMeanRegularizer`, `MeanReducer` by default as there. The gradient is
/// sign(Σₖ xₖ) on every element of the row (0 where the sum is 0, as PyTorch's `abs`).
///
/// - Complexity: O(N·D).
public struct ZeroMeanRegularizer<Scalar: TensorScalar>: EmbeddingRegularizer {
    /// How the per-embedding terms become the penalty.
    public var reducer: any Reducer<Scalar>

    /// Creates the regularizer; the default is PML's.
    public init(reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        self.reducer = reducer
    }

    /// |Σₖ xᵢₖ| for each row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func terms(_ embeddings: Variable<Scalar>) -> Variable<Scalar> {
        embeddings.sum(alongAxis: 1).abs()
    }
}
