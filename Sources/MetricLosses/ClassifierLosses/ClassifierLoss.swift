import TensorCore

/// A loss that owns a class-weight matrix `[embeddingSize, classCount]` (columns are
/// class weights), taken as a second differentiable input.
public protocol ClassifierLoss<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The loss of `embeddings` (`[N, D]`) against class `weights` (`[D, C]`) with
    /// `labels` in `0..<C`.
    func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar>
}

extension ClassifierLoss {
    /// The loss value and its gradients with respect to the embeddings and the weights.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, weights: Tensor<Scalar>, labels: [Int]
    ) throws -> LossGradients<Scalar> {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, weights]) {
            try self($0[0], weights: $0[1], labels: labels)
        }
        return LossGradients(value: value, embeddingsGradient: gradients[0], parameterGradients: [gradients[1]])
    }
}
