import TensorCore

/// A metric loss plus a weighted penalty on the embeddings: L + w·R(embeddings).
///
/// PML's `embedding_regularizer` and `embedding_reg_weight` (default 1), which every PML
/// loss accepts; make one with `loss.regularized(by:weight:)`. The penalty is the
/// regularizer's terms reduced by its own reducer (`EmbeddingRegularizer`), of the batch's
/// embeddings only (never of separate references), and is added whether or not the loss
/// has terms. The wrapped loss keeps its fused mine-and-reduce path
/// (`callAsFunction(_:minedBy:)`).
///
/// - Complexity: the wrapped loss's, plus the regularizer's (O(N·D) for the library's).
public struct RegularizedLoss<Scalar: TensorScalar>: MetricLoss {
    /// The loss regularized.
    public var loss: any MetricLoss<Scalar>
    /// The penalty on the embeddings.
    public var regularizer: any EmbeddingRegularizer<Scalar>
    /// The penalty's weight (PML's `embedding_reg_weight`); must be finite.
    public var weight: Scalar

    /// Adds `weight` times `regularizer` to `loss`.
    public init(_ loss: any MetricLoss<Scalar>, regularizer: any EmbeddingRegularizer<Scalar>, weight: Scalar = 1) {
        (self.loss, self.regularizer, self.weight) = (loss, regularizer, weight)
    }

    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try validateWeight()
        return try adding(to: loss(inputs, tuples: tuples), inputs)
    }

    /// The wrapped loss's fused path (or its mining then reducing), plus the penalty.
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        try validateWeight()
        return try adding(to: loss(inputs, minedBy: miner), inputs)
    }

    /// `value` plus the weighted penalty of the inputs' embeddings (nothing added for weight 0).
    func adding(to value: Variable<Scalar>, _ inputs: BatchInputs<Scalar>) throws -> Variable<Scalar> {
        weight == 0 ? value : try (value + weight * regularizer(inputs.embeddings)).checked()
    }

    func validateWeight() throws {
        try BatchValidation.requireFinite(["embedding regularizer weight": weight])
    }
}

extension MetricLoss {
    /// This loss plus `weight` times `regularizer` of the embeddings: PML's
    /// `embedding_regularizer` and `embedding_reg_weight` (default 1).
    public func regularized(by regularizer: any EmbeddingRegularizer<Scalar>, weight: Scalar = 1) -> RegularizedLoss<Scalar> {
        RegularizedLoss(self, regularizer: regularizer, weight: weight)
    }
}
