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

    /// The sum of `terms` divided by `divisor(count:nonZero:)`, or 0 (with a zero gradient)
    /// when the divisor is 0: how a `TermReducer` reduces, the rule fused paths reproduce.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce<Scalar: TensorScalar>(_ terms: Variable<Scalar>) -> Variable<Scalar> {
        let nonZero = self == .meanOfNonZero ? terms.value.scalars.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } : 0
        let divisor: Scalar = divisor(count: terms.value.count, nonZero: nonZero)
        return divisor == 0 ? (terms * 0).sum() : terms.sum() / divisor
    }
}
