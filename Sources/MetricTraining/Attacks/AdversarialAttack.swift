import TensorCore

/// Gradient-sign attacks under an L∞ budget ε, generic over any differentiable objective
/// (a classifier's cross-entropy, a metric loss on a model's embeddings, …) to be increased.
///
/// - FGSM (Goodfellow et al. 2015): x' = x + ε·sign(∇f(x)).
/// - BIM (Kurakin et al. 2017): `iterations` steps of size α, each projected back onto the
///   ε-ball around x.
/// - PGD (Madry et al. 2018): BIM from a uniform random start inside the ball.
/// Every iterate is clipped to `inputRange` when one is given.
public struct AdversarialAttack<Scalar: TensorScalar>: Sendable {
    /// The attack family.
    public enum Method: String, Sendable, CaseIterable {
        /// One step of size ε.
        case fgsm
        /// Iterated steps from the clean input.
        case bim
        /// Iterated steps from a random start.
        case pgd
    }

    /// The attack family.
    public var method: Method
    /// The L∞ budget ε: finite and ≥ 0.
    public var epsilon: Scalar
    /// The step size α of BIM and PGD: finite and ≥ 0 (checked for FGSM too, which ignores it).
    public var stepSize: Scalar
    /// The number of steps of BIM and PGD.
    public var iterations: Int
    /// The valid input range (for example 0...1 for pixels), or nil.
    public var inputRange: ClosedRange<Scalar>?
    /// The seed of PGD's random start.
    public var seed: UInt64

    /// Creates an attack. `stepSize` defaults to ε/4 and `iterations` to 10 (FGSM ignores both).
    public init(method: Method, epsilon: Scalar, stepSize: Scalar? = nil, iterations: Int = 10,
                inputRange: ClosedRange<Scalar>? = nil, seed: UInt64 = 0) {
        (self.method, self.epsilon) = (method, epsilon)
        self.stepSize = stepSize ?? epsilon / 4
        (self.iterations, self.inputRange, self.seed) = (iterations, inputRange, seed)
    }

    /// The adversarial version of `inputs` that increases `objective`.
    /// - Throws: `MetricLearningError` for a budget or step size that is negative or not finite
    ///   (an infinite ε would leave the ball unbounded, a NaN one every iterate NaN), fewer than
    ///   one iteration, or what the objective throws.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func perturb(_ inputs: Tensor<Scalar>, objective: (Variable<Scalar>) throws -> Variable<Scalar>) throws -> Tensor<Scalar> {
        try BatchValidation.requireFinite(["epsilon": epsilon, "stepSize": stepSize])
        try BatchValidation.require(epsilon >= 0, "epsilon", epsilon, "must not be negative")
        try BatchValidation.require(stepSize >= 0, "stepSize", stepSize, "must not be negative")
        try BatchValidation.require(iterations >= 1, "iterations", iterations, "must be at least 1")
        let clean = inputs.scalars
        func project(_ x: inout [Scalar]) {
            for i in x.indices {
                x[i] = Swift.min(Swift.max(x[i], clean[i] - epsilon), clean[i] + epsilon)
                if let range = inputRange { x[i] = Swift.min(Swift.max(x[i], range.lowerBound), range.upperBound) }
            }
        }
        var x = clean
        if method == .pgd {
            var generator = SeededRandomGenerator(seed: seed)
            for i in x.indices { x[i] += epsilon * Scalar(2 * generator.nextUnitInterval() - 1) }
            project(&x)
        }
        let (steps, size) = method == .fgsm ? (1, epsilon) : (iterations, stepSize)
        for _ in 0..<steps {
            let point = Tensor(uncheckedShape: inputs.shape, scalars: x)
            let (_, gradient) = try valueWithGradient(at: point, in: objective)
            for i in x.indices {
                let g = gradient.scalars[i]
                x[i] += size * (g > 0 ? 1 : (g < 0 ? -1 : 0))
            }
            project(&x)
        }
        return Tensor(uncheckedShape: inputs.shape, scalars: x)
    }
}
