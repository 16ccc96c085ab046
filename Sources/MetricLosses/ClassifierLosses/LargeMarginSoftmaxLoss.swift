import TensorCore

/// The large-margin softmax loss, L-Softmax (Liu et al. 2016), as PML's `LargeMarginSoftmaxLoss`.
///
/// Logits ‖x‖‖wⱼ‖cos θⱼ, the target's replaced by ‖x‖‖w_y‖ψ(θ_y) with
/// ψ(θ) = (−1)^k cos(mθ) − 2k, k = ⌊mθ/π⌋; times `scale`; softmax cross-entropy, mean
/// over samples. With `lambda` > 0 the target logit is (‖w‖‖x‖ψ + λ·wᵀx)/(1 + λ), the
/// paper's annealing (see `MarginAnnealingSchedule`); λ = 0 is PML's form.
public struct LargeMarginSoftmaxLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable {
    /// The angular margin m, an integer ≥ 1 (1 is the plain softmax).
    public var margin: Int
    /// A factor on every logit.
    public var scale: Scalar
    /// The annealing weight λ ≥ 0 of the plain target logit.
    public var lambda: Scalar

    /// Creates the loss (scale 1 and λ = 0 as PML).
    public init(margin: Int = 4, scale: Scalar = 1, lambda: Scalar = 0) {
        self.margin = margin
        self.scale = scale
        self.lambda = lambda
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try AngularMarginLogits.logits(embeddings: embeddings, weights: weights, labels: labels,
                                       margin: margin, scale: scale, lambda: lambda, normalizesWeights: false)
            .crossEntropy(labels: labels).checked()
    }
}
