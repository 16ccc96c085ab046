import TensorCore

/// The lifted structure loss (Oh Song et al. 2016), as PML's `LiftedStructureLoss`.
///
/// Per positive pair (a, p) with distance d_ap, over the negative pairs (a′, n) whose
/// anchor a′ is a or p:
///
///     L_ap = ½ relu( ln Σ_{(a′, n)} e^(m₋ − d_a′n) + d_ap − m₊ )²
///
/// (for a similarity s: e^(s − m₋) and m₊ − s). The log-sum-exp over no negatives is 0, as
/// PML fills it. As PML, p is compared with the negatives' anchor indices (so with separate
/// references, reference index p stands for anchor p), pairs listed more than once count as
/// often as listed, the terms are per positive pair (PML's `pos_pair`), and the loss is the
/// reducer's loss of no terms without any positive or any negative pair.
///
/// Defaults m₋ = 1, m₊ = 0, Euclidean distance of normalised embeddings, the mean of the
/// terms (PML's defaults). Nothing is detached.
///
/// - Complexity: O(P + Q) beyond the values of the P positive and Q negative pairs: each
///   anchor's negatives are summed once and shared (PML forms a P×Q matrix).
public struct LiftedStructureLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The distance a negative pair should stay beyond (PML's `neg_margin`).
    public var negativeMargin: Scalar
    /// The distance a positive pair should come within (PML's `pos_margin`).
    public var positiveMargin: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>
    /// How the per-pair terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        negativeMargin: Scalar = 1, positiveMargin: Scalar = 0,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>(),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.negativeMargin, self.positiveMargin, self.distance, self.reducer) = (negativeMargin, positiveMargin, distance, reducer)
    }

    /// Throws unless both margins are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["negativeMargin": negativeMargin, "positiveMargin": positiveMargin])
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        let (positive, negative) = pairs.pairs()
        guard !positive.isEmpty, !negative.isEmpty else { return inputs.noTerms(reducer) }
        // PML's distance.margin: m₋ − d (s − m₋) as k·v + b, and d − m₊ (m₊ − s).
        let sign: Scalar = distance.isSimilarity ? -1 : 1, positiveMargin = positiveMargin
        let terms = NegativeLogSumExpTerms.terms(
            inputs.values(distance, of: positive + negative), positive: positive, negativeAnchors: negative.map(\.anchor),
            anchorCount: pairs.extents.anchors, scale: -sign, offset: sign * negativeMargin, seesOther: true
        ) { lse, v in
            let hinge = Swift.max((lse > -.infinity ? lse : 0) + sign * (v - positiveMargin), 0)
            return (hinge * hinge / 2, hinge, sign * hinge)
        }
        return reducer.reduce(LossTerms(terms, pairs: positive, kind: .positivePair, labels: inputs.labels))
    }
}
