import TensorCore

/// The large-margin softmax loss, L-Softmax (Liu et al. 2016), as PML's `LargeMarginSoftmaxLoss`.
///
/// Logits ‖x‖‖wⱼ‖cos θⱼ, the target's replaced by ‖x‖‖w_y‖ψ(θ_y) with
/// ψ(θ) = (−1)^k cos(mθ) − 2k, k = ⌊mθ/π⌋; times `scale`; softmax cross-entropy, mean
/// over samples. With `lambda` > 0 the target logit is (‖w‖‖x‖ψ + λ·wᵀx)/(1 + λ), the
/// paper's annealing (see `MarginAnnealingSchedule`); λ = 0 is PML's form.
public struct LargeMarginSoftmaxLoss<Scalar: TensorScalar>: AngularMarginSoftmaxLoss, Sendable, Codable {
    /// The angular margin m (an integer ≥ 1; 1 is the plain softmax), the scale and the
    /// annealing weight λ ≥ 0.
    public var configuration: AngularMarginConfiguration<Scalar>
    /// False: L-Softmax keeps the class weights' norms.
    public static var normalizesWeights: Bool { false }

    /// Creates the loss (scale 1 and λ = 0 as PML).
    public init(margin: Int = 4, scale: Scalar = 1, lambda: Scalar = 0) {
        configuration = AngularMarginConfiguration(margin: margin, scale: scale, lambda: lambda)
    }
}
