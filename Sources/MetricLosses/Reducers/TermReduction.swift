import TensorCore

/// How a reducer divides the sum of its terms, as data, so that a fused loss path that
/// never lists the terms can reduce them the same way.
///
/// A reducer reports its reduction through `Reducer.termReduction`; a reducer with any
/// other rule (thresholds, weights) reports nil and losses list their terms for it.
public enum TermReduction: Sendable, Hashable {
    /// Divides by the number of terms above 0 (`MeanOfNonZeroReducer`).
    case meanOfNonZero
    /// Divides by the number of terms (`MeanReducer`).
    case mean
    /// Divides by 1 (`SumReducer`).
    case sum

    /// The divisor for a sum of `count` terms of which `nonZero` are above 0 (0: no term).
    @inlinable public func divisor<Scalar: TensorScalar>(count: Int, nonZero: Int) -> Scalar {
        switch self {
        case .meanOfNonZero: return Scalar(nonZero)
        case .mean: return Scalar(count)
        case .sum: return count > 0 ? 1 : 0
        }
    }
}
