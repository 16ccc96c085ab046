import TensorCore

/// A loss with a learnable parameter of its own — a class-weight matrix `[embeddingSize,
/// classCount]` (columns are class weights), or proxies or centres in the loss's layout
/// (PML's) — taken as a second differentiable input.
public protocol ClassifierLoss<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The loss of `embeddings` (`[N, D]`) against the parameter `weights` (`[D, C]` for
    /// class weights) with `labels` in `0..<C`.
    func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar>
    /// The parameter before training, for `classCount` classes of `embeddingSize`-wide
    /// embeddings, drawn from `seed` from the distribution PML initialises it with (not
    /// PML's random numbers). Default: 𝒩(0, 1) samples of shape `[embeddingSize,
    /// classCount]`, PML's default for class weights (`torch.nn.init.normal_`).
    func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar>
    /// The parameter as one row per class vector (class weight, proxy, centre or sub-centre),
    /// `[K, D]`: what a `WeightRegularizer` penalises. Default: the columns of `[embeddingSize,
    /// classCount]` weights, `weights.transposed()` (PML regularises `W.t()`); a loss whose
    /// parameter already holds one row per class vector (proxies `[C, D]`) returns it as it is.
    func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar>
}

extension ClassifierLoss {
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try Tensor.randomNormal(shape: [embeddingSize, classCount], seed: seed)
    }

    public func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar> { weights.transposed() }

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
