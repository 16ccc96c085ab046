import TensorCore

/// The N-pair loss (Sohn 2016), as PML's `NPairsLoss`.
///
/// One positive pair (aₖ, pₖ) per label: for each label of the anchors, its first positive
/// pair in row-major order (with tuples, the first listed one; triplets give their (a, p)).
/// With s the `[K, K]` matrix of the K anchors against the K positives (s = −d for a
/// distance), each pair is a softmax cross-entropy whose negatives are the other labels'
/// positives:
///
///     Lₖ = −ln( e^(s_kk) / Σₗ e^(s_kl) ) = ln Σₗ e^(s_kl) − s_kk
///
/// reduced over the K pairs by the mean, PML's default. Pairs are taken in increasing order
/// of their label, as PML's `np.unique`; negative pairs are not used. Without a positive
/// pair (or with empty tuples) the loss is 0 with a zero gradient; one pair alone gives 0.
///
/// PML refuses `ref_emb` here; against references, the anchors come from the batch and the
/// positives from the references (a copy of the batch with `selfOffset` gives the batch's
/// own loss).
///
/// Defaults: dot product of L2-normalised rows (PML's `DotProductSimilarity`, the cosine),
/// the mean.
///
/// - Complexity: O(N + P) to choose the pairs (P listed or same-label pairs), then
///   O(K²·D) for K labels.
public struct NPairsLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// How embeddings are compared (the dot product of normalised rows by default).
    public var distance: any Distance<Scalar>
    /// How the per-pair terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(distance: any Distance<Scalar> = DotProductSimilarity<Scalar>(), reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.distance, self.reducer) = (distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        let pairs = Self.firstPairPerLabel(inputs, tuples: tuples)
        guard !pairs.isEmpty else { return try inputs.noTerms(reducer).checked() }
        let k = pairs.count
        let similarities = distance(inputs.embeddings.gatheringRows(pairs.map { Int($0.anchor) }),
                                    inputs.references.gatheringRows(pairs.map { Int($0.other) }))
        let logits = distance.isSimilarity ? similarities : similarities * -1
        let diagonal = logits.gatheringElements(rows: Array(0..<k), columns: Array(0..<k))
        return try reducer.reduce(logits.logSumExp(alongAxis: 1) - diagonal).checked()
    }

    /// For each anchor label, the first positive pair (listed, or in row-major order), in
    /// increasing order of the label.
    static func firstPairPerLabel(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) -> [IndexPair] {
        var first: [Int: IndexPair] = [:]
        let labels = inputs.labels
        if let tuples {
            for pair in tuples.asPairs().positive where first[labels[Int(pair.anchor)]] == nil { first[labels[Int(pair.anchor)]] = pair }
        } else {
            let pairing = inputs.pairing
            let groups = SameLabelColumns(labels: labels, referenceLabels: inputs.referenceLabels)
            for i in labels.indices where first[labels[i]] == nil {
                let own = pairing.selfReference(of: i)
                if let j = groups.columns(of: i).first(where: { $0 != own }) { first[labels[i]] = IndexPair(anchor: Int32(i), other: Int32(j)) }
            }
        }
        return first.keys.sorted().map { first[$0]! }
    }
}
