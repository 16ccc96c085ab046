import TensorCore

/// How a fused loss path divides the sum of its terms: the reducers it can stand in for.
@usableFromInline enum TermReduction: Sendable {
    /// `MeanOfNonZeroReducer`: by the number of terms above 0.
    case meanOfNonZero
    /// `MeanReducer`: by the number of terms.
    case mean
    /// `SumReducer`: by 1.
    case sum

    /// The reduction `reducer` performs, or nil for a reducer a fused path cannot reproduce.
    @usableFromInline init?<Scalar: TensorScalar>(_ reducer: any Reducer<Scalar>) {
        switch reducer {
        case is MeanOfNonZeroReducer<Scalar>: self = .meanOfNonZero
        case is MeanReducer<Scalar>: self = .mean
        case is SumReducer<Scalar>: self = .sum
        default: return nil
        }
    }

    /// The divisor for a sum of `count` terms of which `nonZero` are above 0 (0: no term).
    @inlinable func divisor<Scalar: TensorScalar>(count: Int, nonZero: Int) -> Scalar {
        switch self {
        case .meanOfNonZero: return Scalar(nonZero)
        case .mean: return Scalar(count)
        case .sum: return count > 0 ? 1 : 0
        }
    }
}
