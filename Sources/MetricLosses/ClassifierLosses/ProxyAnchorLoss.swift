import TensorCore

/// The proxy-anchor loss (Kim et al. 2020), as PML's `ProxyAnchorLoss`.
///
/// Each proxy is an anchor against the batch. With the proxies P (`[classCount,
/// embeddingSize]`, PML's layout: row c is class c's proxy, the `weights` input), the
/// similarities s = m(xᵢ, p_c), margin δ and scale α:
///
///     pos_c = ln(1 + Σ_{i: yᵢ = c} e^(α(δ − s)))      neg_c = ln(1 + Σ_{i: yᵢ ≠ c} e^(α(s + δ)))
///
/// (for a distance d, e^(α(d − δ)) and e^(−α(d + δ)), PML's `distance.margin`). The C
/// positive terms go to the reducer as PML's `"pos_loss"` with the divisor |{c: c has
/// samples}|, the C negative terms as `"neg_loss"` with the divisor C (element terms
/// indexed by proxy, with the batch's labels, as PML hands them), and the two reductions
/// are added. With the default `DivisorReducer` this is the paper's
/// (1/|P⁺|) Σ pos_c + (1/C) Σ neg_c.
///
/// Defaults are PML's: δ = 0.1, α = 32, cosine similarity, `DivisorReducer`. Proxies start
/// as Kaiming-normal samples, 𝒩(0, 2/C) (PML's `kaiming_normal_(mode="fan_out")`).
///
/// - Complexity: one N×C×D matrix product (two more in the gradient) and O(N·C) beyond it,
///   for N samples, C classes and width D.
public struct ProxyAnchorLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// The margin δ.
    public var margin: Scalar
    /// The scale α.
    public var alpha: Scalar
    /// How embeddings are compared with the proxies.
    @CodableDistance public var distance: any Distance<Scalar>
    /// How each side's per-proxy terms become a scalar.
    @CodableReducer public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        margin: Scalar = 0.1, alpha: Scalar = 32, distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = DivisorReducer<Scalar>()
    ) {
        (self.margin, self.alpha, self.distance, self.reducer) = (margin, alpha, distance, reducer)
    }

    /// The loss of `embeddings` (`[N, D]`) against the proxies `weights` (`[C, D]`) with
    /// `labels` in `0..<C`.
    /// - Throws: `MetricLearningError` for a bad batch, proxies whose shape does not fit, a
    ///   label outside the classes, or a non-finite margin or α.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let c = try ClassifierParameterLayout.rows(name: "proxies").check(embeddings, weights, labels: labels).classes
        try BatchValidation.requireFinite(["margin": margin, "alpha": alpha])
        let kernel = ProxyAnchorColumns(labels: labels, scale: distance.isSimilarity ? alpha : -alpha, margin: margin, classes: c)
        let terms = SoftmaxRows.terms(kernel, embeddings: embeddings, proxies: weights, distance: distance)
        let withPositives = Scalar(Set(labels).count)
        let positive = reducer.reduce(LossTerms(elements: terms.elements(in: 0..<c), labels: labels, name: "pos_loss", divisor: withPositives))
        let negative = reducer.reduce(LossTerms(elements: terms.elements(in: c..<(2 * c)), labels: labels, name: "neg_loss", divisor: Scalar(c)))
        return try (positive + negative).checked()
    }

    /// Kaiming-normal proxies `[classCount, embeddingSize]`, 𝒩(0, 2/classCount): PML's
    /// `kaiming_normal_(mode="fan_out")` in its layout.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try Tensor.randomNormal(shape: [classCount, embeddingSize], standardDeviation: (2 / Scalar(Swift.max(classCount, 1))).squareRoot(), seed: seed)
    }

    /// The proxies as they are: already one row per class, `[classCount, embeddingSize]`.
    public func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar> { weights }
}
