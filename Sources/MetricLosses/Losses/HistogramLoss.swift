import TensorCore

/// The histogram loss (Ustinova & Lempitsky 2016), as PML's `HistogramLoss`.
///
/// The similarities of the positive pairs and of the negative pairs are each spread over a
/// histogram of n bins on [−1, 1] (δ = 2/n; each value linearly over its bin's two nodes),
/// giving densities p⁺ and p⁻ on the n + 1 nodes; the loss is the probability that a
/// negative pair is more similar than a positive one:
///
///     L = Σₖ p⁻ₖ · Φ⁺ₖ,   Φ⁺ₖ = Σ_{j≤k} p⁺ⱼ
///
/// As PML: the pairs are those of the triplets — without tuples every triplet (a, p, n), with
/// triplets their pairs (a, p) and (a, n), with pairs the positive pairs whose anchor has a
/// listed negative pair and the negative pairs whose anchor has a listed positive pair (PML's
/// `convert_to_triplets`) — and a pair counts once however often it appears, (i, j) and
/// (j, i) being one pair. The loss is already reduced (no reducer). Without a triplet it is
/// 0 with a zero gradient. The bin index is computed in `Float`, as PML computes it.
///
/// Against references (PML's `HistogramLoss` takes none): pairs are anchor × reference, and
/// (i, j) and (j, i) are one pair only where the references hold the batch (`selfOffset`).
/// Values outside [−1, 1], where PML's histogram has no bin and fails, are clamped to it
/// with a zero gradient; s = 1 exactly (duplicate embeddings, which PML also cannot index)
/// falls in the last bin.
///
/// Defaults n = 100 bins (PML's `n_bins`; its `delta` is 2/n) and cosine similarity. The
/// gradient is piecewise linear in the similarities (it jumps where a value crosses a node).
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·M + n).
public struct HistogramLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The number of bins n on [−1, 1] (PML's `n_bins`; n ≥ 1). The bin width is 2/n.
    public var binCount: Int
    /// How embeddings are compared; a similarity with values in [−1, 1] (cosine by default).
    public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(binCount: Int = 100, distance: any Distance<Scalar> = CosineSimilarity<Scalar>()) {
        (self.binCount, self.distance) = (binCount, distance)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, m, _) = try inputs.validate(tuples)
        try BatchValidation.require(binCount >= 1, "binCount", binCount, "must be at least 1")
        let (positive, negative) = (tuples ?? inputs.pairing.allPairs()).asPairs()
        // The pairs of the triplets: anchors with a pair of the other kind.
        var hasPositive = [Bool](repeating: false, count: n), hasNegative = [Bool](repeating: false, count: n)
        for p in positive { hasPositive[Int(p.anchor)] = true }
        for p in negative { hasNegative[Int(p.anchor)] = true }
        let positiveEntries = Self.entries(positive.filter { hasNegative[Int($0.anchor)] }, n: n, m: m, selfOffset: inputs.selfOffset)
        let negativeEntries = Self.entries(negative.filter { hasPositive[Int($0.anchor)] }, n: n, m: m, selfOffset: inputs.selfOffset)
        guard !positiveEntries.isEmpty && !negativeEntries.isEmpty else { return try inputs.zeroLoss.checked() }
        let kernel = HistogramTerms<Scalar>(positive: positiveEntries, negative: negativeEntries, binCount: binCount)
        return try SoftmaxRows.terms(kernel, inputs: inputs, distance: distance).sum().checked()
    }

    /// The flat indices (row·M + column) of `pairs`, each once, in increasing order: a pair
    /// within the batch's own rows, (i, selfOffset + j), is the entry (min, selfOffset + max),
    /// as PML sorts each pair before it removes repeats.
    static func entries(_ pairs: [IndexPair], n: Int, m: Int, selfOffset: Int?) -> [Int] {
        var listed = [Bool](repeating: false, count: n * m)
        for pair in pairs {
            var (row, column) = (Int(pair.anchor), Int(pair.other))
            if let offset = selfOffset, column >= offset, column - offset < n {
                (row, column) = (Swift.min(row, column - offset), offset + Swift.max(row, column - offset))
            }
            listed[row * m + column] = true
        }
        return listed.indices.filter { listed[$0] }
    }
}
