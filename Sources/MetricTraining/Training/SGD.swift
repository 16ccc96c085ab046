import TensorCore

/// Stochastic gradient descent with momentum, Nesterov momentum and weight decay, as PyTorch's `SGD`.
///
/// g ← g + λp; with momentum μ: b ← μb + g (b = g at the first step), and g ← g + μb
/// (Nesterov) or g ← b; then p ← p − ηg.
public struct SGD<Scalar: TensorScalar>: Optimizer, Sendable {
    /// The step size η.
    public var learningRate: Scalar
    /// The momentum μ (0 for none).
    public var momentum: Scalar
    /// Nesterov momentum.
    public var nesterov: Bool
    /// The L2 weight decay λ.
    public var weightDecay: Scalar
    private var buffers: [[Scalar]] = []

    /// Creates the optimizer.
    public init(learningRate: Scalar, momentum: Scalar = 0, nesterov: Bool = false, weightDecay: Scalar = 0) {
        (self.learningRate, self.momentum, self.nesterov, self.weightDecay) = (learningRate, momentum, nesterov, weightDecay)
    }

    /// - Throws: `MetricLearningError` for gradients that do not fit the parameters, or a
    ///   hyperparameter out of PyTorch's range (η, μ, λ finite and ≥ 0; Nesterov needs μ > 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) throws {
        try BatchValidation.requireFinite(["momentum": momentum])
        try BatchValidation.require(momentum >= 0, "momentum", momentum, "must not be negative")
        try BatchValidation.require(!nesterov || momentum > 0, "momentum", momentum, "Nesterov momentum needs a momentum above 0")
        try Self.checkStep(parameters, gradients, learningRate: learningRate, weightDecay: weightDecay)
        let first = buffers.isEmpty
        if first { buffers = gradients.map { Array(repeating: 0, count: $0.count) } }
        for i in parameters.indices {
            var p = parameters[i].scalars
            let gradient = gradients[i].scalars
            for j in 0..<p.count {
                var g = gradient[j] + weightDecay * p[j]
                if momentum != 0 {
                    buffers[i][j] = first ? g : momentum * buffers[i][j] + g
                    g = nesterov ? g + momentum * buffers[i][j] : buffers[i][j]
                }
                p[j] -= learningRate * g
            }
            parameters[i] = Tensor(uncheckedShape: parameters[i].shape, scalars: p)
        }
    }
}
