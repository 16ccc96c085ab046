import TensorCore

/// The instance loss (Zheng et al. 2020, dual-path image–text embeddings), as PML's
/// `InstanceLoss`: a softmax cross-entropy over the batch's scaled similarity matrix.
///
/// With cosine similarities s, scale γ, and tᵢ the index of anchor i's label among the
/// batch's distinct labels in increasing order (PML's `torch.unique(labels, return_inverse=True)`):
///
///     Lᵢ = −ln( e^(γ·s_{i,tᵢ}) / Σⱼ e^(γ·s_ij) )
///
/// so row i's logits are its similarities to every item of the batch and its target is the
/// item in column tᵢ, exactly as PML computes it. The terms are reduced by the mean.
///
/// **Nothing is detached**: PML 2.9's `InstanceLoss` differentiates the whole expression,
/// and so does this (its gradient is checked against finite differences of the loss itself).
///
/// As PML, the loss compares a batch with itself only: separate references throw (from the
/// batch-only form of `MetricLoss`), and so do mined tuples, even empty ones (PML raises for
/// any `indices_tuple`), with `MetricLearningError.invalidTuples`.
///
/// Defaults γ = 64, cosine similarity (PML requires cosine; any similarity is accepted here),
/// the mean. γ must be positive.
///
/// - Complexity: O(N²·D) for the matrix, then O(N²).
public struct InstanceLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The scale γ of the similarities (γ > 0).
    public var gamma: Scalar
    /// How embeddings are compared; a similarity (cosine by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(gamma: Scalar = 64, distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
                reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.gamma, self.distance, self.reducer) = (gamma, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar> {
        let inputs = BatchInputs(embeddings: embeddings, labels: labels)
        let (n, _, _) = try inputs.validate(tuples)
        guard tuples == nil else {
            throw MetricLearningError(.invalidTuples, "InstanceLoss takes no mined tuples (PML's InstanceLoss refuses an indices_tuple)")
        }
        try BatchValidation.requireFinite(["gamma": gamma])
        try BatchValidation.require(gamma > 0, "gamma", gamma, "must be positive")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
        let classes = Dictionary(uniqueKeysWithValues: Set(labels).sorted().enumerated().map { ($1, $0) })
        let logits = inputs.matrix(distance) * gamma
        let terms = logits.logSumExp(alongAxis: 1) - logits.gatheringElements(rows: Array(0..<n), columns: labels.map { classes[$0]! })
        return try reducer.reduce(LossTerms(elements: terms, labels: labels)).checked()
    }
}
