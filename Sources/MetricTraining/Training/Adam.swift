import TensorCore

/// Adam (Kingma & Ba 2015), with L2 or decoupled weight decay (AdamW, Loshchilov & Hutter 2019),
/// as PyTorch's `Adam` and `AdamW`.
///
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − η·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
/// Weight decay λ adds λp to g, or (decoupled) multiplies p by 1 − ηλ first.
public struct Adam<Scalar: TensorScalar>: Optimizer, Sendable {
    /// The step size η.
    public var learningRate: Scalar
    /// The decay of the first moment β₁.
    public var beta1: Scalar
    /// The decay of the second moment β₂.
    public var beta2: Scalar
    /// Added to √v̂; must be positive (see `update(_:along:)`).
    public var epsilon: Scalar
    /// The weight decay λ.
    public var weightDecay: Scalar
    /// Decoupled weight decay (AdamW) instead of an L2 term in the gradient.
    public var decoupledWeightDecay: Bool
    private var step = 0
    private var first: [[Scalar]] = []
    private var second: [[Scalar]] = []

    /// Creates the optimizer (PyTorch's defaults).
    public init(learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
                weightDecay: Scalar = 0, decoupledWeightDecay: Bool = false) {
        (self.learningRate, self.beta1, self.beta2) = (learningRate, beta1, beta2)
        (self.epsilon, self.weightDecay, self.decoupledWeightDecay) = (epsilon, weightDecay, decoupledWeightDecay)
    }

    /// - Throws: `MetricLearningError` for gradients that do not fit the parameters, or a
    ///   hyperparameter out of range: η, λ finite and ≥ 0; β₁, β₂ in [0, 1); ε finite and
    ///   positive. (PyTorch accepts ε = 0, where a parameter whose gradients have all been 0
    ///   steps by 0/0 = NaN; a positive ε, however small, keeps that step at 0.)
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) throws {
        try BatchValidation.requireFinite(["epsilon": epsilon])
        try BatchValidation.require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "must lie in [0, 1)")
        try BatchValidation.require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "must lie in [0, 1)")
        try BatchValidation.require(epsilon > 0, "epsilon", epsilon, "must be positive (0 makes a zero gradient's step 0/0)")
        try Self.checkStep(parameters, gradients, learningRate: learningRate, weightDecay: weightDecay)
        if first.isEmpty {
            first = gradients.map { Array(repeating: 0, count: $0.count) }
            second = first
        }
        step += 1
        let correction1 = 1 - Scalar.pow(beta1, Scalar(step))
        let correction2 = 1 - Scalar.pow(beta2, Scalar(step))
        for i in parameters.indices {
            var p = parameters[i].scalars
            let g = gradients[i].scalars
            for j in 0..<p.count {
                var gj = g[j]
                if decoupledWeightDecay { p[j] *= 1 - learningRate * weightDecay } else { gj += weightDecay * p[j] }
                first[i][j] = beta1 * first[i][j] + (1 - beta1) * gj
                second[i][j] = beta2 * second[i][j] + (1 - beta2) * gj * gj
                let mHat = first[i][j] / correction1
                let vHat = second[i][j] / correction2
                p[j] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
            }
            parameters[i] = Tensor(uncheckedShape: parameters[i].shape, scalars: p)
        }
    }
}
