import TensorCore

/// The mean over the positive terms, Σ tᵢ / #{tᵢ > 0}; 0 when no term is positive.
///
/// PML's `AvgNonZeroReducer`, the default of most metric losses: terms a hinge has
/// already satisfied do not dilute the average.
public struct MeanOfNonZeroReducer<Scalar: TensorScalar>: TermReducer, Codable {
    /// Divides by the number of positive terms.
    public static var reduction: TermReduction { .meanOfNonZero }

    /// Creates the reducer.
    public init() {}
}
