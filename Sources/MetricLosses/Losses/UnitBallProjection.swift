import TensorCore

/// The "unit-range" projection of the exponential triplet loss: z = v · min(1, s/‖v‖).
///
/// Rows inside the ball of radius s pass unchanged; rows outside are scaled onto its
/// surface. Differentiable; a zero row stays zero with gradient passing through.
public struct UnitBallProjection<Scalar: TensorScalar>: Sendable {
    /// The radius s of the ball.
    public var radius: Scalar

    /// Creates the projection onto the ball of `radius` (1 by default).
    public init(radius: Scalar = 1) { self.radius = radius }

    /// Projects each row of `embeddings` (`[N, D]`).
    /// A radius that is not positive and finite gives a result carrying an `invalidParameter` error.
    public func callAsFunction(_ embeddings: Variable<Scalar>) -> Variable<Scalar> {
        guard radius > 0 && radius.isFinite else {
            return Variable.record([embeddings]) {
                throw MetricLearningError(.invalidParameter, "radius = \(radius) is out of range: must be positive and finite")
            }
        }
        let norms = embeddings.rowNorms()
        let n = norms.shape.first ?? 0
        let floor = Variable(Tensor<Scalar>(Tensor<Scalar>.normalizationFloor))
        let scale = Variable.minimum(Variable(Tensor<Scalar>(1)), radius / Variable.maximum(norms, floor))
        return embeddings * scale.reshaped(to: [n, 1])
    }
}
