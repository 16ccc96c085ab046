import TensorCore

/// The additive angular margin loss, ArcFace (Deng et al. 2019), as PML's `ArcFaceLoss`.
///
/// With cos θⱼ the cosine between embedding x and class weight wⱼ (both normalised), the
/// target's logit gets the margin m on its angle: s·cos(θ_y + m) while θ_y ≤ π − m, and
/// s·(cos θ_y − m·sin m) beyond (PML's monotonic continuation); the others stay s·cos θⱼ.
/// Softmax cross-entropy, mean over samples:
///
///     L = mean over i of ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ
///
/// Defaults as PML: margin 28.6° (given in degrees, as PML's `margin`), scale s = 64.
/// The weights are PML's `W`, `[embeddingSize, classCount]` (columns are classes),
/// initialised 𝒩(0, 1). Nothing is detached. Where cos θ_y = ±1 exactly, the derivative of
/// cos(θ + m), infinite there, is taken with sin θ floored at √ε (see `MarginSoftmaxRows`).
///
/// - Complexity: O(N·C·D) for the cosines (one matrix product), O(N·C) for the rest.
public struct ArcFaceLoss<Scalar: TensorScalar>: ClassifierLoss, Codable {
    /// The angular margin m added to the target's angle, in degrees (in [0, 180)).
    public var margin: Scalar
    /// The factor s on every logit (positive).
    public var scale: Scalar

    /// Creates the loss (PML's defaults: margin 28.6°, scale 64).
    public init(margin: Scalar = 28.6, scale: Scalar = 64) {
        (self.margin, self.scale) = (margin, scale)
    }

    /// Softmax cross-entropy of the margin logits, mean over samples.
    /// - Throws: `MetricLearningError` for a margin outside [0°, 180°), a scale that is not
    ///   positive and finite, or embeddings, weights (`[D, C]`) or labels (in `0..<C`) that
    ///   do not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let margin = try MarginSoftmax.angularMargin(degrees: margin, scale: scale)
        return try MarginSoftmax.crossEntropy(embeddings, weights: weights, labels: labels, scale: scale, margin: margin)
    }
}
