import TensorCore

/// The contrastive loss (Hadsell, Chopra & LeCun 2006), as PML's `ContrastiveLoss`.
///
/// Over positive pairs `relu(d − positiveMargin)` and over negative pairs
/// `relu(negativeMargin − d)` (for a similarity: `relu(positiveMargin − s)` and
/// `relu(s − negativeMargin)`); each side is reduced on its own and the two are added
/// (PML's sub-losses `"pos_loss"` and `"neg_loss"`, pair terms).
/// Defaults: margins 0 and 1, Euclidean distance of normalised embeddings, mean of
/// non-zero terms. Without tuples, all pairs i ≠ j are used.
public struct ContrastiveLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The distance (or similarity) a positive pair should come within.
    public var positiveMargin: Scalar
    /// The distance (or similarity) a negative pair should stay beyond.
    public var negativeMargin: Scalar
    /// How pairs are compared.
    public var distance: any Distance<Scalar>
    /// How each side's terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        positiveMargin: Scalar = 0, negativeMargin: Scalar = 1,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        (self.positiveMargin, self.negativeMargin, self.distance, self.reducer) = (positiveMargin, negativeMargin, distance, reducer)
    }

    /// Throws unless both margins are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["positiveMargin": positiveMargin, "negativeMargin": negativeMargin])
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        if let reduction = reducer.termReduction, let fused = fusedPath(inputs, listed: pairs.listed, reduction: reduction) {
            return fused
        }
        let (positive, negative) = pairs.pairs()
        let values = inputs.values(distance, of: positive + negative)
        let positiveValues = values.elements(in: 0..<positive.count)
        let negativeValues = values.elements(in: positive.count..<(positive.count + negative.count))
        let positiveTerms = distance.isSimilarity ? (positiveMargin - positiveValues).relu() : (positiveValues - positiveMargin).relu()
        let negativeTerms = distance.isSimilarity ? (negativeValues - negativeMargin).relu() : (negativeMargin - negativeValues).relu()
        return reducer.reduce(LossTerms(positiveTerms, pairs: positive, kind: .positivePair, labels: inputs.labels, name: "pos_loss"))
            + reducer.reduce(LossTerms(negativeTerms, pairs: negative, kind: .negativePair, labels: inputs.labels, name: "neg_loss"))
    }

    /// Every pair of the batch (`listed` nil), or lists long enough for the whole matrix,
    /// straight from the matrix (`ListedPairReduction`); nil for short lists, which take the
    /// sparse pair path.
    func fusedPath(
        _ inputs: BatchInputs<Scalar>, listed pairs: (positive: [IndexPair], negative: [IndexPair])?, reduction: TermReduction
    ) -> Variable<Scalar>? {
        if let pairs {
            let count = pairs.positive.count + pairs.negative.count
            guard count > 0, !distance.prefersPairs(count: count, inputs.embeddings, inputs.references) else { return nil }
        }
        let (pairing, isSimilarity, positiveMargin, negativeMargin) = (inputs.pairing, distance.isSimilarity, positiveMargin, negativeMargin)
        return Variable.fusedLoss(of: inputs.matrix(distance)) {
            ListedPairReduction.lossAndGradient(
                matrix: $0, pairs: pairs, pairing: pairing, isSimilarity: isSimilarity,
                positiveMargin: positiveMargin, negativeMargin: negativeMargin, reduction: reduction)
        }
    }
}
