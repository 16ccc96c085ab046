import TensorCore

/// The normalised temperature-scaled cross-entropy loss (NT-Xent, InfoNCE; Chen et al. 2020),
/// as PML's `NTXentLoss`.
///
/// With x = s/τ for a similarity s (x = −d/τ for a distance d), one term per positive pair
/// (a, p), against the anchor's negatives n:
///
///     L_ap = −ln( e^(x_ap) / (e^(x_ap) + Σₙ e^(x_an)) ) = softplus( ln Σₙ e^(x_an) − x_ap )
///
/// reduced over the positive pairs (PML's `pos_pair` terms) by the mean, PML's default.
///
/// Each anchor's log-sum-exp over its negatives is computed once, shifted by its largest
/// exponent, and every positive pair's term from it: O(N·M) time and memory for N anchors
/// and M references. PML forms a positive × negative matrix instead (19.7 s for 512
/// embeddings in classes of 8, out of memory at 2048). For a batch against itself under
/// cosine similarity (the default) one `[N, N]` buffer holds the similarities, then the
/// exponentials, then the gradient.
///
/// As PML: an anchor without negatives gives its positive pairs the term 0 (which the mean
/// counts); the loss is 0, with a zero gradient, without a positive pair or without a
/// negative pair, and also with at most one of each (PML's `GenericPairLoss`). With
/// tuples, each listed positive pair is a term and each listed negative pair enters its
/// anchor's sum, repeats kept, so triplets (a, p, n) count as their pairs (a, p) and (a, n).
/// PML takes −ln(ratio + the least normal number), which caps a term near 708 (87 in
/// `Float`); the softplus here has no cap and otherwise gives the same numbers.
///
/// Defaults τ = 0.07, cosine similarity, the mean. τ must be positive and finite.
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·M + P) for P positive pairs.
public struct NTXentLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The temperature τ (τ > 0): smaller sharpens the softmax over each anchor's pairs.
    public var temperature: Scalar
    /// How embeddings are compared (cosine similarity by default).
    public var distance: any Distance<Scalar>
    /// How the positive pairs' terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(temperature: Scalar = 0.07, distance: any Distance<Scalar> = CosineSimilarity<Scalar>(), reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
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
        // PML's "pos_pair" terms: the listed positive pairs, or every one anchor by anchor.
        let positives: LossTerms<Scalar>.Indices = pairs.listed.map { .pairs($0.positive) } ?? .positivePairs(pairs.pairing)
        let context = { LossTerms($0, kind: .positivePair, indices: positives, labels: inputs.labels, name: "loss", divisor: nil) }
        return try SoftmaxRows.loss(inputs, over: pairs, distance: distance, temperature: temperature, reducer: reducer,
                                    context: context, rows: NTXentRows.init) { scale in
            let (positive, negative) = pairs.pairs()
            let values = inputs.values(distance, of: positive + negative)
            return NTXentRows.listed(values, positive: positive, negative: negative, anchorCount: pairs.extents.anchors, scale: scale)
        }
    }
}
