import TensorCore

/// The p-norm of each embedding, raised to `power`: ‖x‖ₚ^power per row, reduced.
///
/// PML's `LpRegularizer`: p = 2, power 1 and `MeanReducer` by default, as there; any finite
/// p ≥ 1 and power > 0. Pulls embeddings towards the origin. The gradient of a zero row is
/// 0, as PyTorch's `norm`.
///
/// - Complexity: O(N·D); one `pow` per element unless p is 1 or 2.
public struct LpRegularizer<Scalar: TensorScalar>: EmbeddingRegularizer {
    /// The exponent of the norm (PML's `p`).
    public var p: Scalar
    /// The exponent the norm is raised to (PML's `power`).
    public var power: Scalar
    /// How the per-embedding terms become the penalty.
    public var reducer: any Reducer<Scalar>

    /// Creates the regularizer; the defaults are PML's.
    public init(p: Scalar = 2, power: Scalar = 1, reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.p, self.power, self.reducer) = (p, power, reducer)
    }

    /// ‖xᵢ‖ₚ^power for each row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func terms(_ embeddings: Variable<Scalar>) -> Variable<Scalar> {
        embeddings.rowNorms(p: p).raised(to: power)
    }
}
