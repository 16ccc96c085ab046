import TensorCore

/// A reducer that divides the sum of the terms as one `TermReduction` says: the one
/// implementation of `MeanOfNonZeroReducer`, `MeanReducer` and `SumReducer`.
///
/// A conformer names its `reduction`; `reduce` and `termReduction` come from this protocol,
/// so the reducer and the fused loss paths that reproduce it divide by the same rule. The
/// terms' context (anchors, labels, name) does not change the result.
public protocol TermReducer<Scalar>: Reducer {
    /// How the sum of the terms is divided.
    static var reduction: TermReduction { get }
}

extension TermReducer {
    /// The reducer's `reduction`, which fused paths reproduce.
    public var termReduction: TermReduction? { Self.reduction }

    /// The sum of the terms divided as `reduction` says (`TermReduction.reduce(_:)`).
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        Self.reduction.reduce(terms.values)
    }
}
