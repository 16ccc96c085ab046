import TensorCore

/// The SoftTriple loss (Qian et al. 2019), as PML's `SoftTripleLoss`.
///
/// K centres per class. With the centres W (`[embeddingSize, classCount·K]`, PML's `fc`:
/// column c·K + k is centre k of class c, the `weights` input), the similarities
/// s_ck = m(xᵢ, w_ck) (cosine: x and the columns L2-normalised), the class similarity
/// S_c = Σ_k softmax(γ·s_c)_k · s_ck and the logits z_c = λ(S_c − δ·[c = yᵢ]):
///
///     Lᵢ = ln Σ_c e^(z_c) − z_yᵢ
///
/// The terms go to the reducer as element terms with the batch's labels (PML's `"loss"`).
/// PML's `gamma` is the softmax's temperature: the factor γ above is 1/`gamma`.
///
/// Defaults are PML's: K = 10 (`centersPerClass`), λ = 20 (`la`), `gamma` 0.1, δ = 0.01,
/// cosine similarity (PML asserts a similarity), the mean. Centres start as PML's
/// `kaiming_uniform_(a=√5)` samples, uniform on ±1/√(C·K).
///
/// - Complexity: one N×(C·K)×D matrix product (two more in the gradient) and O(N·C·K)
///   beyond it, for N samples, C classes and width D.
public struct SoftTripleLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// The number K of centres of each class (K ≥ 1).
    public var centersPerClass: Int
    /// The scale λ of the class logits (PML's `la`).
    public var scale: Scalar
    /// The temperature of the softmax over each class's centres (PML's `gamma`, > 0).
    public var gamma: Scalar
    /// The margin δ taken off the similarity to the own class.
    public var margin: Scalar
    /// How embeddings are compared with the centres; a similarity.
    @CodableDistance public var distance: any Distance<Scalar>
    /// How the per-sample terms become a scalar.
    @CodableReducer public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        centersPerClass: Int = 10, scale: Scalar = 20, gamma: Scalar = 0.1, margin: Scalar = 0.01,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(), reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.centersPerClass, self.scale, self.gamma, self.margin) = (centersPerClass, scale, gamma, margin)
        (self.distance, self.reducer) = (distance, reducer)
    }

    /// The loss of `embeddings` (`[N, D]`) against the centres `weights` (`[D, C·K]`) with
    /// `labels` in `0..<C`.
    /// - Throws: `MetricLearningError` for a bad batch, centres whose shape does not fit, a
    ///   label outside the classes, K < 1, a `gamma` that is not positive with 1/`gamma`
    ///   finite, a non-finite λ or δ, or a distance that is not a similarity.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try BatchValidation.require(centersPerClass >= 1, "centersPerClass", centersPerClass, "must be at least 1")
        let c = try ClassifierParameterLayout.columns(name: "centres", perClass: centersPerClass).check(embeddings, weights, labels: labels).classes
        try BatchValidation.requireFinite(["scale": scale, "gamma": gamma, "margin": margin])
        try BatchValidation.require(gamma > 0 && (1 / gamma).isFinite, "gamma", gamma, "must be positive, with 1/gamma finite")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
        let kernel = SoftTripleRows(labels: labels, classes: c, scale: scale, sharpness: 1 / gamma, margin: margin)
        let terms: Variable<Scalar>
        if distance.kernel == .dotProduct {
            // Cosine (the default) or dot products: the columns normalised in place, the product's buffer the kernel's.
            let columns = distance.normalizesEmbeddings ? weights.normalizedColumns() : weights
            terms = SoftmaxRows.terms(kernel, productOf: distance.prepare(embeddings), columns, transposeB: false)
        } else {
            terms = SoftmaxRows.terms(kernel, matrix: try distance(embeddings, weights.transposed()).checked())
        }
        return try reducer.reduce(LossTerms(elements: terms, labels: labels)).checked()
    }

    /// Centres `[embeddingSize, classCount·centersPerClass]` uniform on ±1/√(classCount·centersPerClass):
    /// PML's `kaiming_uniform_(a=√5)` of `fc`.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        let columns = classCount * Swift.max(centersPerClass, 1)
        let bound = 1 / Scalar(Swift.max(columns, 1)).squareRoot()
        return try Tensor.randomUniform(shape: [embeddingSize, columns], lower: -bound, upper: bound, seed: seed)
    }
}
