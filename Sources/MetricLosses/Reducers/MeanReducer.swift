import TensorCore

/// The mean of all terms, (1/T) Σ tᵢ; 0 when there are none. PML's `MeanReducer`.
public struct MeanReducer<Scalar: TensorScalar>: Reducer {
    /// Creates the reducer.
    public init() {}
    /// A sum divided as fused paths divide it.
    public var termReduction: TermReduction? { .mean }
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: Variable<Scalar>) -> Variable<Scalar> { terms.mean() }
}
