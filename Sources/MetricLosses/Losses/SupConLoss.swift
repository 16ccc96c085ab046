import TensorCore

/// The supervised contrastive loss (Khosla et al. 2020, the SupContrast code), as PML's
/// `SupConLoss`.
///
/// With x = s/τ for a similarity s (x = −d/τ for a distance d), one term per anchor i over
/// its positives Pᵢ and negatives Nᵢ:
///
///     Lᵢ = −(1/|Pᵢ|) Σ_{p ∈ Pᵢ} ln( e^(x_ip) / Σ_{j ∈ Pᵢ ∪ Nᵢ} e^(x_ij) )
///        = ln Σ_{j ∈ Pᵢ ∪ Nᵢ} e^(x_ij) − (1/|Pᵢ|) Σ_{p ∈ Pᵢ} x_ip
///
/// reduced by the mean of the non-zero terms, PML's default. The log-sum-exp is shifted by
/// the row's largest exponent; O(N·M) time and memory for N anchors and M references, and
/// for a batch against itself under cosine similarity (the default) one `[N, N]` buffer.
///
/// As PML: the terms are per anchor ("element" reduction), one for every anchor; an anchor
/// without positives gets 0 (and a zero gradient), which mean-of-non-zero does not count;
/// so does an anchor whose only pair is one positive (exactly 0 here, where PML's shift by
/// the whole row's maximum can leave ±10⁻¹⁶, which its mean then may count).
/// The loss is 0, with a zero gradient, without a positive pair or without a negative pair
/// in the batch, and also with at most one of each (PML's `GenericPairLoss`). With tuples,
/// the pairs are sets (PML's masks): a pair listed more than once counts once, and a pair
/// listed as both positive and negative throws.
///
/// Defaults τ = 0.1, cosine similarity, mean of non-zero terms. τ must be positive and finite.
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·M); O(T log T) for T listed pairs.
public struct SupConLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The temperature τ (τ > 0).
    public var temperature: Scalar
    /// How embeddings are compared (cosine similarity by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(temperature: Scalar = 0.1, distance: any Distance<Scalar> = CosineSimilarity<Scalar>(), reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()) {
        (self.temperature, self.distance, self.reducer) = (temperature, distance, reducer)
    }

    /// Throws unless τ is positive and finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        _ = try SoftmaxRows.logitScale(temperature: temperature, isSimilarity: distance.isSimilarity)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        try SoftmaxRows.loss(inputs, over: pairs, distance: distance, temperature: temperature, reducer: reducer,
                             context: { LossTerms(elements: $0, labels: inputs.labels) }, rows: SupConRows.init) { scale in
            // PML's masks: each pair once, in row-major order, and never of both kinds.
            let (listed, isPositive) = try pairs.distinctPairs()
            let values = inputs.values(distance, of: listed)
            return SupConRows.listed(values, pairs: listed, isPositive: isPositive, anchorCount: pairs.extents.anchors, scale: scale)
        }
    }
}
