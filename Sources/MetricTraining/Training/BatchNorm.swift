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
    /// The weight of the newest batch in the running estimates, in [0, 1].
    public var momentum: Scalar
    /// Added to the variance before the square root; finite and positive.
    public var epsilon: Scalar

    /// Creates the layer for `width` features.
    /// - Throws: `MetricLearningError` for a width below 1, a momentum outside [0, 1] or an ε
    ///   that is not finite and positive. (PyTorch accepts ε = 0, which divides 0 by 0 for a
    ///   feature that is constant across the batch; any positive ε keeps that output at β.)
    public init(width: Int, momentum: Scalar = 0.1, epsilon: Scalar = 1e-5) throws {
        try BatchValidation.require(width >= 1, "width", width, "must be at least 1")
        try Self.check(momentum: momentum, epsilon: epsilon)
        parameters = [try .ones(shape: [width]), try .zeros(shape: [width])]
        statistics = RunningStatistics(width: width)
        (self.momentum, self.epsilon) = (momentum, epsilon)
    }

    /// Normalises with the batch's statistics in training, updating the running ones, and with
    /// the running ones in evaluation (then the layer is unchanged).
    ///
    /// An input that is not `[N, width]` (N ≥ 1 in training), parameters that are not γ and β of
    /// `[width]`, or a momentum or ε out of range (both are public properties) give a result that
    /// carries a `MetricLearningError`, and the statistics stay as they were.
    public mutating func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        let width = statistics.mean.count
        do {
            try Self.check(momentum: momentum, epsilon: epsilon)
            try Self.check(parameterShapes: parameters.map(\.shape), width: width)
            try LayerChecks.requireInput(input.shape, width: width, layer: "BatchNorm")
            if context.isTraining && input.shape[0] == 0 {
                throw MetricLearningError(.emptyInput, "BatchNorm needs at least one sample in a training pass (shape \(input.shape))")
            }
        } catch {
            return .carrying(error, after: input)
        }
        let (gamma, beta) = (parameters[parameters.startIndex], parameters[parameters.startIndex + 1])
        guard context.isTraining else {
            let mean = Variable(Tensor<Scalar>(statistics.mean))
            let scale = Variable(Tensor<Scalar>(statistics.variance.map { 1 / ($0 + epsilon).squareRoot() }))
            return (input - mean) * scale * gamma + beta
        }
        let mean = input.mean(alongAxis: 0)
        let centered = input - mean
        let variance = (centered * centered).mean(alongAxis: 0)
        let output = centered / (variance + epsilon).squareRoot() * gamma + beta
        if output.failure == nil {
            statistics.update(batchMean: mean.value.scalars, batchVariance: variance.value.scalars,
                              count: input.shape[0], momentum: momentum)
        }
        return output
    }

    /// Throws unless momentum lies in [0, 1] and ε is finite and positive.
    static func check(momentum: Scalar, epsilon: Scalar) throws {
        try BatchValidation.require(momentum >= 0 && momentum <= 1, "momentum", momentum, "must lie in [0, 1]")
        try BatchValidation.require(epsilon > 0 && epsilon.isFinite, "epsilon", epsilon,
                                    "must be finite and positive (0 divides 0 by 0 for a constant feature)")
    }

    /// Throws unless the shapes are γ and β of `[width]`.
    static func check(parameterShapes shapes: [[Int]], width: Int) throws {
        try LayerChecks.requireParameterCount(shapes.count, 2, layer: "BatchNorm", names: "scale, shift")
        guard shapes.allSatisfy({ $0 == [width] }) else {
            throw MetricLearningError(.shapeMismatch, "BatchNorm's scale and shift must have shape [\(width)], got \(shapes[0]) and \(shapes[1])")
        }
    }
}
