import TensorCore

/// The large margin cosine loss, CosFace (Wang et al. 2018), as PML's `CosFaceLoss`.
///
/// With cos θⱼ the cosine between embedding x and class weight wⱼ (both normalised), the
/// logits are s·cos θⱼ, the target's s·(cos θ_y − m). Softmax cross-entropy, mean over
/// samples:
///
///     L = mean over i of ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ
///
/// Defaults as PML: margin m = 0.35, scale s = 64. The weights are PML's `W`,
/// `[embeddingSize, classCount]` (columns are classes), initialised 𝒩(0, 1). Nothing is
/// detached.
///
/// - Complexity: O(N·C·D) for the cosines (one matrix product), O(N·C) for the rest.
public struct CosFaceLoss<Scalar: TensorScalar>: ClassifierLoss, Codable {
    /// The margin m subtracted from the target's cosine (not negative).
    public var margin: Scalar
    /// The factor s on every logit (positive).
    public var scale: Scalar

    /// Creates the loss (PML's defaults: margin 0.35, scale 64).
    public init(margin: Scalar = 0.35, scale: Scalar = 64) {
        (self.margin, self.scale) = (margin, scale)
    }

    /// Softmax cross-entropy of the margin logits, mean over samples.
    /// - Throws: `MetricLearningError` for a negative or non-finite margin, a scale that is not
    ///   positive and finite, or embeddings, weights (`[D, C]`) or labels (in `0..<C`) that do
    ///   not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try BatchValidation.requireFinite(["margin": margin, "scale": scale])
        try BatchValidation.require(margin >= 0, "margin", margin, "must not be negative")
        try MarginSoftmax.requirePositiveScale(scale)
        return try MarginSoftmax.crossEntropy(embeddings, weights: weights, labels: labels, scale: scale, margin: .subtracted(margin))
    }
}
