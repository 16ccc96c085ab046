import TensorCore

/// The mean over the positive terms, Σ tᵢ / #{tᵢ > 0}; 0 when no term is positive.
///
/// PML's `AvgNonZeroReducer`, the default of most metric losses: terms a hinge has
/// already satisfied do not dilute the average.
public struct MeanOfNonZeroReducer<Scalar: TensorScalar>: Reducer {
    /// Creates the reducer.
    public init() {}
    /// A sum divided as fused paths divide it.
    public var termReduction: TermReduction? { .meanOfNonZero }
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: Variable<Scalar>) -> Variable<Scalar> {
        let positive = terms.value.scalars.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        return positive == 0 ? terms.sum() * 0 : terms.sum() / Scalar(positive)
    }
}
