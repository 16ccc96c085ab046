import TensorCore

/// The angular softmax loss, A-Softmax / SphereFace (Liu et al. 2017), as PML's `SphereFaceLoss`.
///
/// Like L-Softmax with the class weights normalised: logits ‖x‖cos θⱼ, the target's
/// ‖x‖ψ(θ_y); times `scale`; softmax cross-entropy, mean over samples. `lambda` anneals
/// the target logit as in `LargeMarginSoftmaxLoss` (λ = 0 is PML's form).
public struct AngularSoftmaxLoss<Scalar: TensorScalar>: AngularMarginSoftmaxLoss, Sendable, Codable {
    /// The angular margin m (an integer ≥ 1), the scale and the annealing weight λ ≥ 0.
    public var configuration: AngularMarginConfiguration<Scalar>
    /// True: A-Softmax normalises the class weights.
    public static var normalizesWeights: Bool { true }

    /// Creates the loss (scale 1 and λ = 0 as PML).
    public init(margin: Int = 4, scale: Scalar = 1, lambda: Scalar = 0) {
        configuration = AngularMarginConfiguration(margin: margin, scale: scale, lambda: lambda)
    }
}
