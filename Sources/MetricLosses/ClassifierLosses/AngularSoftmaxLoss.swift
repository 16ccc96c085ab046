import TensorCore

/// The angular softmax loss, A-Softmax / SphereFace (Liu et al. 2017), as PML's `SphereFaceLoss`.
///
/// Like L-Softmax with the class weights normalised: logits ‖x‖cos θⱼ, the target's
/// ‖x‖ψ(θ_y); times `scale`; softmax cross-entropy, mean over samples. `lambda` anneals
/// the target logit as in `LargeMarginSoftmaxLoss` (λ = 0 is PML's form).
public struct AngularSoftmaxLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable {
    /// The angular margin m, an integer ≥ 1.
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
                                       margin: margin, scale: scale, lambda: lambda, normalizesWeights: true)
            .crossEntropy(labels: labels).checked()
    }
}
