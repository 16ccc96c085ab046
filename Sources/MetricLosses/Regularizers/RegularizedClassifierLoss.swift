import TensorCore

/// A classifier loss plus a weighted penalty on its own parameter: L + λ·R(class vectors),
/// as PML's `weight_regularizer` and `weight_reg_weight` on a loss with weights.
///
/// Made by `ClassifierLoss.regularized(by:weight:)`. The regularizer sees the parameter as
/// the loss's `classVectors(_:)` (one row per class vector: `W.t()` for `[D, C]` weights, as
/// PML); the weights' layout, initial values and class vectors are the loss's own. Codable
/// when both parts are, so a checkpoint keeps the configuration.
///
/// - Complexity: the loss's, plus the regularizer's.
public struct RegularizedClassifierLoss<Loss: ClassifierLoss, Regularizer: WeightRegularizer>: ClassifierLoss
where Regularizer.Scalar == Loss.Scalar {
    /// The scalar type.
    public typealias Scalar = Loss.Scalar
    /// The loss L.
    public var loss: Loss
    /// The penalty R on the loss's class vectors.
    public var regularizer: Regularizer
    /// The factor λ on the penalty (PML's `weight_reg_weight`, default 1); finite.
    public var weight: Scalar

    /// Creates L + `weight`·R.
    public init(_ loss: Loss, regularizer: Regularizer, weight: Scalar = 1) {
        (self.loss, self.regularizer, self.weight) = (loss, regularizer, weight)
    }

    /// The loss plus the weighted penalty of the loss's class vectors.
    /// - Throws: `MetricLearningError` for a non-finite `weight`, or what the loss or the
    ///   regularizer throws.
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try BatchValidation.requireFinite(["weight": weight])
        let value = try loss(embeddings, weights: weights, labels: labels)
        return try (value + weight * (try regularizer(loss.classVectors(weights)))).checked()
    }

    /// The loss's initial weights.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try loss.initialWeights(classCount: classCount, embeddingSize: embeddingSize, seed: seed)
    }

    /// The loss's class vectors.
    public func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar> { loss.classVectors(weights) }
}

extension RegularizedClassifierLoss: Codable where Loss: Codable, Regularizer: Codable {}

extension ClassifierLoss {
    /// This loss plus `weight` times `regularizer`'s penalty of its class vectors (PML's
    /// `weight_regularizer` and `weight_reg_weight`).
    ///
    /// ```swift
    /// let loss = ArcFaceLoss<Float>().regularized(by: CenterInvariantRegularizer(), weight: 0.3)
    /// ```
    public func regularized<Regularizer: WeightRegularizer>(by regularizer: Regularizer, weight: Scalar = 1)
        -> RegularizedClassifierLoss<Self, Regularizer> where Regularizer.Scalar == Scalar {
        RegularizedClassifierLoss(self, regularizer: regularizer, weight: weight)
    }
}
