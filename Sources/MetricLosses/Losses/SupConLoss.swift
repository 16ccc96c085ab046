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
public struct SupConLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The temperature τ (τ > 0).
    public var temperature: Scalar
    /// How embeddings are compared (cosine similarity by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        temperature: Scalar = 0.1,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        self.temperature = temperature
        self.distance = distance
        self.reducer = reducer
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, m, _) = try inputs.validate(tuples)
        let scale = try SoftmaxRows.logitScale(temperature: temperature, isSimilarity: distance.isSimilarity)
        let terms: Variable<Scalar>
        if let tuples {
            let (positive, negative) = tuples.asPairs()
            guard (positive.count > 1 || negative.count > 1) && !positive.isEmpty && !negative.isEmpty else { return try inputs.noTerms(reducer).checked() }
            // PML's masks: each pair once, in row-major order, and never of both kinds.
            var listed = positive.map { (key: Int($0.anchor) * m + Int($0.other), isPositive: true) }
                + negative.map { (key: Int($0.anchor) * m + Int($0.other), isPositive: false) }
            listed.sort { $0.key < $1.key || ($0.key == $1.key && $0.isPositive && !$1.isPositive) }
            var pairs: [IndexPair] = [], isPositive: [Bool] = []
            for (t, entry) in listed.enumerated() {
                if t > 0 && listed[t - 1].key == entry.key {
                    guard listed[t - 1].isPositive == entry.isPositive else {
                        throw MetricLearningError(.invalidTuples, "pair (\(entry.key / m), \(entry.key % m)) is listed as both positive and negative")
                    }
                    continue
                }
                pairs.append(IndexPair(anchor: Int32(entry.key / m), other: Int32(entry.key % m)))
                isPositive.append(entry.isPositive)
            }
            let values = inputs.values(distance, rows: pairs.map { Int($0.anchor) }, columns: pairs.map { Int($0.other) })
            terms = SupConRows.listed(values, pairs: pairs, isPositive: isPositive, anchorCount: n, scale: scale)
        } else {
            let pairs = DenseRowPairs(inputs.pairing)
            guard pairs.hasTerms else { return try inputs.noTerms(reducer).checked() }
            terms = SoftmaxRows.terms(SupConRows(pairs, scale: scale), inputs: inputs, distance: distance)
        }
        return try reducer.reduce(terms).checked()
    }
}
