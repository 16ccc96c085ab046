import TensorCore

/// The λ schedule of L-Softmax and SphereFace training: λ = max(λmin, base·(1 + γ·t)^(−power)).
///
/// A large λ early keeps the target logit close to the plain softmax one; as λ decays
/// the angular margin takes over. The defaults are SphereFace's (1000, 0.12, 1, 5).
public struct MarginAnnealingSchedule<Scalar: TensorScalar>: Sendable {
    /// λ at iteration 0.
    public var base: Scalar
    /// The decay rate γ.
    public var gamma: Scalar
    /// The decay exponent.
    public var power: Scalar
    /// The floor λmin.
    public var minimum: Scalar

    /// Creates a schedule.
    public init(base: Scalar = 1000, gamma: Scalar = 0.12, power: Scalar = 1, minimum: Scalar = 5) {
        (self.base, self.gamma, self.power, self.minimum) = (base, gamma, power, minimum)
    }

    /// λ at training iteration `iteration` (0-based).
    public func lambda(atIteration iteration: Int) -> Scalar {
        Swift.max(minimum, base * Scalar.pow(1 + gamma * Scalar(iteration), -power))
    }
}
