import TensorCore

/// Softmax cross-entropy of the logits z = x·W: mean over samples of ln Σⱼ e^(zⱼ) − z_y.
public struct SoftmaxCrossEntropyLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// Creates the loss.
    public init() {}

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try ClassifierValidation.check(embeddings, weights: weights, labels: labels)
        return try matmul(embeddings, weights).crossEntropy(labels: labels).checked()
    }
}
