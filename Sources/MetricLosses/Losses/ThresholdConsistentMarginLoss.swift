import TensorCore

/// The threshold-consistent margin loss (Zhang et al. 2023, "Threshold-consistent margin
/// loss for open-world deep metric learning"), as PML's `ThresholdConsistentMarginLoss`: a
/// regulariser that penalises positive pairs below a similarity margin m⁺ and negative
/// pairs above a margin m⁻, each side averaged over its violating pairs only.
///
/// Over positive pairs with similarity s⁺ and negative pairs with similarity s⁻:
///
///     L = λ⁺ · mean_{s⁺ ≤ m⁺} (m⁺ − s⁺) + λ⁻ · mean_{s⁻ ≥ m⁻} (s⁻ − m⁻)
///
/// a side without such a pair adding 0. The selection is not differentiated (a pair at
/// the margin counts, with term 0). Every pair without tuples; the listed pairs (triplets
/// give theirs, repeats kept) with them. Without a pair the loss is 0.
///
/// Defaults are PML's: λ⁺ = λ⁻ = 1, m⁺ = 0.9, m⁻ = 0.5, cosine similarity. The loss is
/// already a scalar (PML's "already reduced"), so it takes no reducer.
///
/// PML computes the similarities of `embeddings[p]` even for pair indices into references,
/// a mismatch when references are given; here anchors are compared with the references
/// they are paired with.
///
/// - Complexity: O(N·M·D) for the matrix without tuples, O(P·D) for P listed pairs; then
///   O(N·M) or O(P), and no pair is listed without tuples.
public struct ThresholdConsistentMarginLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// λ⁺, the weight of the positive side (PML's `lambda_plus`; ≥ 0).
    public var positiveWeight: Scalar
    /// λ⁻, the weight of the negative side (PML's `lambda_minus`; ≥ 0).
    public var negativeWeight: Scalar
    /// m⁺: positive pairs less similar than this are penalised (PML's `margin_plus`).
    public var positiveMargin: Scalar
    /// m⁻: negative pairs more similar than this are penalised (PML's `margin_minus`).
    public var negativeMargin: Scalar
    /// How embeddings are compared; a similarity (cosine by default, as PML requires).
    public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(positiveWeight: Scalar = 1, negativeWeight: Scalar = 1, positiveMargin: Scalar = 0.9, negativeMargin: Scalar = 0.5,
                distance: any Distance<Scalar> = CosineSimilarity<Scalar>()) {
        (self.positiveWeight, self.negativeWeight, self.positiveMargin, self.negativeMargin) = (positiveWeight, negativeWeight, positiveMargin, negativeMargin)
        self.distance = distance
    }

    /// Throws unless the weights are finite and non-negative, the margins finite, and the
    /// distance a similarity.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["positiveWeight": positiveWeight, "negativeWeight": negativeWeight,
                                           "positiveMargin": positiveMargin, "negativeMargin": negativeMargin])
        try BatchValidation.require(positiveWeight >= 0, "positiveWeight", positiveWeight, "must not be negative")
        try BatchValidation.require(negativeWeight >= 0, "negativeWeight", negativeWeight, "must not be negative")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try checkHyperparameters()
        // The similarities and each one's kind: 1 positive, −1 negative, 0 neither (the anchor's own copy).
        let values: Variable<Scalar>, kinds: [Int8]
        if let tuples {
            let (positive, negative) = tuples.asPairs(), pairs = PairColumns(positive + negative)
            values = inputs.values(distance, rows: pairs.anchors, columns: pairs.others)
            kinds = Array(repeating: 1, count: positive.count) + Array(repeating: -1, count: negative.count)
        } else {
            let pairing = inputs.pairing
            values = inputs.matrix(distance)
            kinds = pairing.labels.indices.flatMap { i in
                let own = pairing.selfReference(of: i)
                return pairing.referenceLabels.indices.map { j -> Int8 in j == own ? 0 : pairing.referenceLabels[j] == pairing.labels[i] ? 1 : -1 }
            }
        }
        guard kinds.contains(where: { $0 != 0 }) else { return inputs.zeroLoss }
        let (weights, margins) = ((positiveWeight, negativeWeight), (positiveMargin, negativeMargin))
        return try Variable.record([try values.checked()]) {
            let s = values.value.storage, shape = values.shape
            // The violations m⁺ − s and s − m⁻, with slopes ∓1 where a pair is selected.
            var sums: (Scalar, Scalar) = (0, 0), counts = (0, 0), slopes = [Scalar](repeating: 0, count: s.count)
            for t in s.indices {
                if kinds[t] == 1, s[t] <= margins.0 {
                    (sums.0, counts.0, slopes[t]) = (sums.0 + (margins.0 - s[t]), counts.0 + 1, -1)
                } else if kinds[t] == -1, s[t] >= margins.1 {
                    (sums.1, counts.1, slopes[t]) = (sums.1 + (s[t] - margins.1), counts.1 + 1, 1)
                }
            }
            // PML's λ⁺·(sum/count) + λ⁻·(sum/count), a side without a selected pair 0.
            let means = (counts.0 > 0 ? sums.0 / Scalar(counts.0) : 0, counts.1 > 0 ? sums.1 / Scalar(counts.1) : 0)
            let scales = (counts.0 > 0 ? weights.0 / Scalar(counts.0) : 0, counts.1 > 0 ? weights.1 / Scalar(counts.1) : 0)
            for t in slopes.indices where slopes[t] != 0 { slopes[t] *= kinds[t] == 1 ? scales.0 : scales.1 }
            let value = weights.0 * means.0 + weights.1 * means.1
            return (Tensor(value), { g in [Tensor(uncheckedShape: shape, scalars: slopes.map { $0 * g.scalars[0] })] })
        }.checked()
    }
}
