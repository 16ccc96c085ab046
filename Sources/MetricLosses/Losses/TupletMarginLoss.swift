import TensorCore

/// The tuplet margin loss (Yu & Tao 2019), as PML's `TupletMarginLoss`.
///
/// Per positive pair (a, p) with cosine s_ap = cos θ_ap, over the negative pairs (a, n) of
/// the same anchor, with scale s and margin β:
///
///     L_ap = ln(1 + Σ_n e^(s·(s_an − cos(θ_ap − β))))
///
/// computed as softplus(ln Σ_n e^(s·s_an) − s·cos(θ_ap − β)), one log-sum-exp per anchor
/// shared by its positives (PML forms a positives × negatives matrix). An anchor without
/// negatives gives 0. As PML, pairs listed more than once count as often as listed, the
/// terms are per positive pair (PML's `pos_pair`), and the loss is the reducer's loss of no
/// terms without any positive or any negative pair.
///
/// The cosine is clamped to [−1, 1] before the arccosine (PML's `acos` gives NaN past
/// them); ∂cos(θ − β)/∂s = cos β − s·sin β/√(1 − s²), with the √(1 − s²) term's derivative
/// taken as 0 at |s| = 1 (duplicate embeddings), so the gradient stays finite. Nothing is
/// detached.
///
/// Defaults β = 5.73° (PML's `margin`, in degrees), s = 64, cosine similarity, the mean of
/// the terms (PML's defaults). The distance must be a similarity of unit vectors
/// (PML asserts cosine).
///
/// - Complexity: O(P + Q) beyond the values of the P positive and Q negative pairs.
public struct TupletMarginLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The angular margin β in degrees (PML's `margin`).
    public var marginDegrees: Scalar
    /// The scale s (s > 0).
    public var scale: Scalar
    /// How embeddings are compared; a similarity (cosine by default).
    public var distance: any Distance<Scalar>
    /// How the per-pair terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        marginDegrees: Scalar = 5.73, scale: Scalar = 64,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.marginDegrees, self.scale, self.distance, self.reducer) = (marginDegrees, scale, distance, reducer)
    }

    /// Throws unless the margin is finite, the scale positive and finite, and the distance
    /// a similarity (the arccosine reads it as a cosine).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["marginDegrees": marginDegrees, "scale": scale])
        try BatchValidation.require(scale > 0, "scale", scale, "must be positive")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity (a cosine), not a distance")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        let (positive, negative) = pairs.pairs()
        guard !positive.isEmpty, !negative.isEmpty else { return inputs.noTerms(reducer) }
        // PML's np.radians; cos β and sin β = cos(β − π/2) for the derivative.
        let (margin, scale) = (marginDegrees * .pi / 180, scale)
        let (cosMargin, sinMargin) = (Scalar.cos(margin), Scalar.cos(margin - .pi / 2))
        let terms = NegativeLogSumExpTerms.terms(
            inputs.values(distance, of: positive + negative), positive: positive, negativeAnchors: negative.map(\.anchor),
            anchorCount: pairs.extents.anchors, scale: scale, offset: 0, seesOther: false
        ) { lse, v in
            let c = Swift.min(Swift.max(v, -1), 1)
            let sine = (1 - c * c).squareRoot()
            let z = lse - scale * Scalar.cos(Scalar.acos(c) - margin)
            let (value, slope) = (Tensor<Scalar>.softplus(z), Tensor<Scalar>.sigmoid(z))
            return (value, slope, -scale * slope * (sine > 0 ? cosMargin - c * sinMargin / sine : cosMargin))
        }
        return reducer.reduce(LossTerms(terms, pairs: positive, kind: .positivePair, labels: inputs.labels))
    }
}
