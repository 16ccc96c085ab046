import TensorCore

/// The sum of all terms, Σ tᵢ; 0 when there are none. PML's `SumReducer`.
public struct SumReducer<Scalar: TensorScalar>: TermReducer, Codable {
    /// Divides by 1.
    public static var reduction: TermReduction { .sum }

    /// Creates the reducer.
    public init() {}
}
