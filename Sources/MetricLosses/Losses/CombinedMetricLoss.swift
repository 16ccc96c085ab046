import TensorCore

/// A weighted sum of metric losses, Σ wₖ·Lₖ, itself a metric loss.
public struct CombinedMetricLoss<Scalar: TensorScalar>: MetricLoss {
    /// The weighted parts.
    public var parts: [(weight: Scalar, loss: any MetricLoss<Scalar>)]

    /// Creates the combination of `parts`.
    public init(_ parts: [(weight: Scalar, loss: any MetricLoss<Scalar>)]) {
        self.parts = parts
    }

    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.requireFiniteWeights(parts.map(\.weight))
        var total = (inputs.embeddings * 0).sum()
        for part in parts { total = total + part.weight * (try part.loss(inputs, tuples: tuples)) }
        return try total.checked()
    }
}
