import TensorCore

/// 1-D batch normalisation (Ioffe & Szegedy 2015), as PyTorch's `BatchNorm1d`.
///
/// Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch mean and biased variance, and
/// the running estimates move by `momentum` (the running variance is unbiased).
/// Evaluation uses the running estimates. Parameters: γ (ones) and β (zeros).
///
/// The running statistics are part of the layer's value. A training pass updates them in
/// the layer it runs on (the forward pass is `mutating`), so the model a training loop holds
/// carries them, and a copy made before (`let best = model`) keeps its own.
public struct BatchNorm<Scalar: TensorScalar>: Layer, Sendable {
    /// γ (`[width]`) and β (`[width]`).
    public var parameters: [Tensor<Scalar>]
    /// The running estimates used in evaluation, moved by each training pass.
    public internal(set) var statistics: RunningStatistics
    /// The weight of the newest batch in the running estimates.
    public var momentum: Scalar
    /// Added to the variance before the square root.
    public var epsilon: Scalar

    /// Creates the layer for `width` features.
    /// - Throws: `MetricLearningError` for a width below 1, a momentum outside [0, 1] or a
    ///   negative or non-finite ε.
    public init(width: Int, momentum: Scalar = 0.1, epsilon: Scalar = 1e-5) throws {
        try BatchValidation.require(width >= 1, "width", width, "must be at least 1")
        try BatchValidation.require(momentum >= 0 && momentum <= 1, "momentum", momentum, "must lie in [0, 1]")
        try BatchValidation.require(epsilon >= 0 && epsilon.isFinite, "epsilon", epsilon, "must be finite and not negative")
        parameters = [try .ones(shape: [width]), try .zeros(shape: [width])]
        statistics = RunningStatistics(width: width)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Normalises with the batch's statistics in training, updating the running ones, and with
    /// the running ones in evaluation (then the layer is unchanged).
    public mutating func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        let p = Array(parameters)
        let (gamma, beta) = (p[0], p[1])
        guard context.isTraining else {
            let mean = Variable(Tensor<Scalar>(statistics.mean))
            let scale = Variable(Tensor<Scalar>(statistics.variance.map { 1 / ($0 + epsilon).squareRoot() }))
            return (input - mean) * scale * gamma + beta
        }
        let mean = input.mean(alongAxis: 0)
        let centered = input - mean
        let variance = (centered * centered).mean(alongAxis: 0)
        let output = centered / (variance + epsilon).squareRoot() * gamma + beta
        if output.failure == nil && mean.value.count == statistics.mean.count {
            statistics.update(batchMean: mean.value.scalars, batchVariance: variance.value.scalars,
                              count: input.shape.first ?? 1, momentum: momentum)
        }
        return output
    }
}
