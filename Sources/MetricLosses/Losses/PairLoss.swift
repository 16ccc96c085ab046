import TensorCore

/// A loss computed from pairs of the batch against its references, as PML's
/// `GenericPairLoss`: conform by giving the loss over a ``PairSelection``.
///
/// The general form of ``MetricLoss`` comes from this protocol: it validates the inputs and
/// the tuples, checks the hyperparameters, selects the pairs (the listed ones, or every
/// pair), and returns the reducer's loss of no terms — 0, wired to both inputs — when there
/// is at most one positive and at most one negative pair (PML's `zero_losses`), so
/// `loss(_:over:)` sees at least two pairs of one kind. The result is checked: a
/// non-finite loss from finite inputs throws `MetricLearningError.Kind.overflow`.
public protocol PairLoss<Scalar>: MetricLoss {
    /// How the loss's terms become a scalar (and the loss of a batch without terms).
    var reducer: any Reducer<Scalar> { get }
    /// Throws `MetricLearningError` for a hyperparameter out of range (default: none).
    func checkHyperparameters() throws
    /// The loss of `inputs` over `pairs`.
    func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar>
}

extension PairLoss {
    public func checkHyperparameters() throws {}

    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try checkHyperparameters()
        let pairs = PairSelection(tuples, pairing: inputs.pairing)
        guard pairs.positiveCount > 1 || pairs.negativeCount > 1 else { return try inputs.noTerms(reducer).checked() }
        return try loss(inputs, over: pairs).checked()
    }
}
