import TensorCore

/// The mean of all terms, (1/T) Σ tᵢ; 0 when there are none. PML's `MeanReducer`.
public struct MeanReducer<Scalar: TensorScalar>: TermReducer, Codable {
    /// Divides by the number of terms.
    public static var reduction: TermReduction { .mean }

    /// Creates the reducer.
    public init() {}
}
