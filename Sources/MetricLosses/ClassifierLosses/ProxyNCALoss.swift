import TensorCore

/// The proxy-NCA loss (Movshovitz-Attias et al. 2017), as PML's `ProxyNCALoss`.
///
/// NCA against one learnable proxy per class. With the proxies P (`[classCount,
/// embeddingSize]`, PML's layout: row c is class c's proxy, the `weights` input) and the
/// logits zᵢⱼ = κ·m(xᵢ, pⱼ), κ = `softmaxScale` for a similarity m and −`softmaxScale` for
/// a distance, sample i's term is
///
///     Lᵢ = −ln softmax(zᵢ)_{yᵢ} = ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ
///
/// The terms go to the reducer as element terms with the batch's labels (PML's `"loss"`).
/// As PML, a sample whose softmax probability of its own proxy underflows to 0 gets no term.
///
/// Defaults are PML's: `softmaxScale` 1, the squared Euclidean distance between
/// L2-normalised rows (NCA's `LpDistance(power=2)`), the mean. Proxies start as 𝒩(0, 1)
/// samples (PML's `normal_`, see `initialWeights(classCount:embeddingSize:seed:)`).
///
/// - Complexity: one N×C×D matrix product (two more in the gradient) and O(N·C) beyond it,
///   for N samples, C classes and width D.
public struct ProxyNCALoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// The factor of the logits (PML's `softmax_scale`); any finite value.
    public var softmaxScale: Scalar
    /// How embeddings are compared with the proxies.
    @CodableDistance public var distance: any Distance<Scalar>
    /// How the per-sample terms become a scalar.
    @CodableReducer public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        softmaxScale: Scalar = 1, distance: any Distance<Scalar> = EuclideanDistance<Scalar>(squared: true),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.softmaxScale, self.distance, self.reducer) = (softmaxScale, distance, reducer)
    }

    /// The loss of `embeddings` (`[N, D]`) against the proxies `weights` (`[C, D]`) with
    /// `labels` in `0..<C`.
    /// - Throws: `MetricLearningError` for a bad batch, proxies whose shape does not fit, a
    ///   label outside the classes, or a non-finite `softmaxScale`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try ClassifierParameterLayout.rows(name: "proxies").check(embeddings, weights, labels: labels)
        try BatchValidation.requireFinite(["softmaxScale": softmaxScale])
        let kernel = ProxyNCARows(labels: labels, scale: distance.isSimilarity ? softmaxScale : -softmaxScale)
        let terms = SoftmaxRows.terms(kernel, embeddings: embeddings, proxies: weights, distance: distance)
        let values = terms.value.scalars
        guard values.contains(.infinity) else { return try reducer.reduce(LossTerms(elements: terms, labels: labels)).checked() }
        // PML's exp == 0 rows: no term.
        let kept = values.indices.filter { values[$0] < .infinity }
        let keptTerms = terms.reshaped(to: [values.count, 1]).gatheringElements(rows: kept, columns: kept.map { _ in 0 })
        return try reducer.reduce(LossTerms(keptTerms, kind: .element, anchors: kept.map(Int32.init), labels: labels)).checked()
    }

    /// 𝒩(0, 1) proxies `[classCount, embeddingSize]`, PML's `normal_` in its layout.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try Tensor.randomNormal(shape: [classCount, embeddingSize], seed: seed)
    }

    /// The proxies as they are: already one row per class, `[classCount, embeddingSize]`.
    public func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar> { weights }
}
