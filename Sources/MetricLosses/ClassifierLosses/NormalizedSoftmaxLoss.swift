import TensorCore

/// The normalised softmax loss (Zhai & Wu 2019, "Classification is a strong baseline"), as
/// PML's `NormalizedSoftmaxLoss`.
///
/// Softmax cross-entropy of the cosines between the embeddings and the class weights (both
/// normalised), divided by the temperature τ, mean over samples:
///
///     L = mean over i of ln Σⱼ e^(cos θᵢⱼ/τ) − cos θᵢ,yᵢ/τ
///
/// Default as PML: τ = 0.05 (PML's default distance, `DotProductSimilarity` of normalised
/// embeddings). The weights are PML's `W`, `[embeddingSize, classCount]` (columns are
/// classes), initialised 𝒩(0, 1). Nothing is detached.
///
/// - Complexity: O(N·C·D) for the cosines (one matrix product), O(N·C) for the rest.
public struct NormalizedSoftmaxLoss<Scalar: TensorScalar>: ClassifierLoss, Codable {
    /// The temperature τ dividing every cosine (positive).
    public var temperature: Scalar

    /// Creates the loss (PML's default: temperature 0.05).
    public init(temperature: Scalar = 0.05) {
        self.temperature = temperature
    }

    /// Softmax cross-entropy of cos θ/τ, mean over samples.
    /// - Throws: `MetricLearningError` for a temperature that is not positive (or whose
    ///   reciprocal is not finite), or embeddings, weights (`[D, C]`) or labels (in `0..<C`)
    ///   that do not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let scale = try SoftmaxRows.logitScale(temperature: temperature, isSimilarity: true)
        return try MarginSoftmax.crossEntropy(embeddings, weights: weights, labels: labels, scale: scale, margin: .none)
    }
}
