import TensorCore

/// The sum of all terms, Σ tᵢ; 0 when there are none. PML's `SumReducer`.
public struct SumReducer<Scalar: TensorScalar>: Reducer {
    /// Creates the reducer.
    public init() {}
    /// A sum divided as fused paths divide it.
    public var termReduction: TermReduction? { .sum }
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: Variable<Scalar>) -> Variable<Scalar> { terms.sum() }
}
