import TensorCore

/// The signal-to-noise-ratio contrastive loss (Yuan et al. 2019, "Signal-To-Noise Ratio: A
/// Robust Distance Metric for Deep Metric Learning"), as PML's
/// `SignalToNoiseRatioContrastiveLoss`: the contrastive loss over SNR distances.
///
/// Over positive pairs `relu(d − positiveMargin)` and over negative pairs
/// `relu(negativeMargin − d)`, each side reduced on its own and the two added, exactly as
/// ``ContrastiveLoss`` (which computes it). Defaults: margins 0 and 1, ``SNRDistance``
/// (var(y − x) / var(x) of normalised rows), mean of non-zero terms (PML's defaults). PML
/// asserts its `SNRDistance`; this loss takes any ``Distance``.
///
/// - Complexity: that of ``ContrastiveLoss`` over the distance's matrix.
public struct SignalToNoiseRatioContrastiveLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The SNR distance a positive pair should come within (PML's `pos_margin`).
    public var positiveMargin: Scalar
    /// The SNR distance a negative pair should stay beyond (PML's `neg_margin`).
    public var negativeMargin: Scalar
    /// How embeddings are compared (PML: `SNRDistance`).
    public var distance: any Distance<Scalar>
    /// How each side's terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        positiveMargin: Scalar = 0, negativeMargin: Scalar = 1, distance: any Distance<Scalar> = SNRDistance<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        (self.positiveMargin, self.negativeMargin, self.distance, self.reducer) = (positiveMargin, negativeMargin, distance, reducer)
    }

    /// The contrastive loss this loss computes.
    var contrastive: ContrastiveLoss<Scalar> {
        ContrastiveLoss(positiveMargin: positiveMargin, negativeMargin: negativeMargin, distance: distance, reducer: reducer)
    }

    /// Throws unless both margins are finite.
    public func checkHyperparameters() throws { try contrastive.checkHyperparameters() }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        try contrastive.loss(inputs, over: pairs)
    }
}
