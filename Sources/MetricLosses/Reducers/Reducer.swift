import TensorCore

/// Turns a loss's terms (per element, pair or triplet) into one scalar, as PML's reducers.
///
/// A loss hands its reducer `LossTerms`: the rank-1 vector of terms with their kind, their
/// anchors, the batch's labels and the sub-loss's name, so a reducer may weigh terms by
/// class (`ClassWeightedReducer`), gather them per anchor (`PerAnchorReducer`) or choose a
/// rule per sub-loss (`MultipleReducers`). A loss with several sub-losses (a contrastive
/// loss's positive and negative pairs) reduces each on its own and adds them, as PML does.
///
/// Conform by implementing **one** of the two `reduce` forms: `reduce(_:)` of `LossTerms`
/// (the general form), or `reduce(_:)` of a bare vector when the context does not matter.
/// Each form's default calls the other (bare values become `.element` terms numbered
/// `0..<count`, without labels), so a conformer must implement at least one.
///
/// An empty vector of terms reduces to 0 with a zero gradient, never NaN.
public protocol Reducer<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The scalar loss from a loss's terms and their context.
    func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar>
    /// The scalar loss from a rank-1 vector of terms without context.
    func reduce(_ values: Variable<Scalar>) -> Variable<Scalar>
    /// How this reducer divides the sum of the terms, when it is one a fused loss path can
    /// reproduce without the terms (see `TermReduction`); nil (the default) otherwise.
    var termReduction: TermReduction? { get }
}

extension Reducer {
    /// No reduction a fused path can reproduce: losses list their terms.
    public var termReduction: TermReduction? { nil }

    /// The values reduced as `.element` terms numbered `0..<count`, without labels.
    public func reduce(_ values: Variable<Scalar>) -> Variable<Scalar> {
        reduce(LossTerms(elements: values))
    }

    /// The values alone reduced (for a reducer that implements only `reduce(_:)` of a vector).
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        reduce(terms.values)
    }
}
