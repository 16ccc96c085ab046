import TensorCore

/// The configuration of a softmax loss on angular-margin logits (`LargeMarginSoftmaxLoss`,
/// `AngularSoftmaxLoss`): the margin m, the scale and the annealing weight λ.
public struct AngularMarginConfiguration<Scalar: TensorScalar>: Sendable, Codable {
    /// The angular margin m, an integer ≥ 1 (1 is the plain softmax).
    public var margin: Int
    /// A factor on every logit.
    public var scale: Scalar
    /// The annealing weight λ ≥ 0 of the plain target logit.
    public var lambda: Scalar

    /// Creates the configuration (scale 1 and λ = 0 as PML).
    public init(margin: Int = 4, scale: Scalar = 1, lambda: Scalar = 0) {
        (self.margin, self.scale, self.lambda) = (margin, scale, lambda)
    }
}
