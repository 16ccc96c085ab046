import TensorCore

/// A loss value with its gradients for every differentiable input: the embeddings, the
/// references when they were separate, and the loss's own parameters (class weights,
/// proxies, a learnable margin), in the order the loss lists them.
///
/// The one result type of `valueWithGradients` on metric and classifier losses.
public struct LossGradients<Scalar: TensorScalar>: Sendable {
    /// The loss value.
    public let value: Scalar
    /// ∂loss/∂embeddings, `[N, D]`.
    public let embeddingsGradient: Tensor<Scalar>
    /// ∂loss/∂references, `[M, D]`, when the references were separate from the embeddings;
    /// an empty tensor otherwise.
    public let referencesGradient: Tensor<Scalar>
    /// ∂loss/∂parameter for each of the loss's own parameters, in the loss's order.
    public let parameterGradients: [Tensor<Scalar>]

    /// Creates the result.
    public init(value: Scalar, embeddingsGradient: Tensor<Scalar>, referencesGradient: Tensor<Scalar> = Tensor([]),
                parameterGradients: [Tensor<Scalar>] = []) {
        (self.value, self.embeddingsGradient) = (value, embeddingsGradient)
        (self.referencesGradient, self.parameterGradients) = (referencesGradient, parameterGradients)
    }

    /// ∂loss/∂weights of a classifier loss (its first parameter, `[D, C]`); an empty tensor
    /// for a loss without parameters.
    public var weightsGradient: Tensor<Scalar> { parameterGradients.first ?? Tensor([]) }
}
