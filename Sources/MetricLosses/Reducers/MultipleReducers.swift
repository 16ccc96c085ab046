import TensorCore

/// One reducer per sub-loss, chosen by the terms' `name`, with a default for the others.
/// PML's `MultipleReducers`.
///
/// A loss with several sub-losses reduces each on its own and adds them (PML sums the
/// sub-losses this reducer returns), so `MultipleReducers(["pos_loss": MeanReducer()],
/// default: SumReducer())` on a `ContrastiveLoss` gives the mean of the positive-pair terms
/// plus the sum of the negative-pair terms. The names are PML's: `"loss"` for a loss with
/// one sub-loss, `"pos_loss"` and `"neg_loss"` for the contrastive loss. The default is
/// PML's, the mean (not the loss's own default reducer).
///
/// Fused loss paths apply when every reducer, the default included, reports the same
/// `termReduction`: then the choice does not matter.
public struct MultipleReducers<Scalar: TensorScalar>: Reducer {
    /// The reducer of each named sub-loss.
    public let reducers: [String: any Reducer<Scalar>]
    /// The reducer of every sub-loss not named in `reducers`.
    public let defaultReducer: any Reducer<Scalar>

    /// Creates the reducer; `defaultReducer` reduces the sub-losses `reducers` does not name.
    public init(_ reducers: [String: any Reducer<Scalar>], default defaultReducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.reducers, self.defaultReducer) = (reducers, defaultReducer)
    }

    /// The reduction every reducer shares, if they all report the same one; nil otherwise.
    public var termReduction: TermReduction? {
        let shared = defaultReducer.termReduction
        return reducers.values.allSatisfy { $0.termReduction == shared } ? shared : nil
    }

    /// The terms reduced by the reducer of their sub-loss's `name`, or the default.
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        (reducers[terms.name] ?? defaultReducer).reduce(terms)
    }
}
