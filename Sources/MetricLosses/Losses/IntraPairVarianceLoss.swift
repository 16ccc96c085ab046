import TensorCore

/// The intra-pair variance loss (Yu & Tao 2019, beside the tuplet margin loss), as PML's
/// `IntraPairVarianceLoss`.
///
/// With the mean μ₊ of the positive pairs' similarities and μ₋ of the negative pairs':
///
///     positive terms relu((1 − ε₊)·μ₊ − s)²,   negative terms relu(s − (1 + ε₋)·μ₋)²
///
/// (for a distance d: relu(d − (1 + ε₊)·μ₊)² and relu((1 − ε₋)·μ₋ − d)²): pairs far from
/// their kind's mean are penalised. Each kind is reduced on its own and the two are added,
/// as PML does (its sub-losses `"pos_loss"` and `"neg_loss"`, pair terms). The means take part in the gradient (PML does not detach them). Pairs
/// listed more than once count as often as listed.
///
/// Defaults ε₊ = ε₋ = 0.01, cosine similarity, the mean of each kind's terms (PML's
/// defaults).
///
/// - Complexity: O(P + Q) beyond the values of the P positive and Q negative pairs.
public struct IntraPairVarianceLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The relative slack ε₊ of positive pairs around their mean (PML's `pos_eps`).
    public var positiveEpsilon: Scalar
    /// The relative slack ε₋ of negative pairs around their mean (PML's `neg_eps`).
    public var negativeEpsilon: Scalar
    /// How embeddings are compared (a similarity by default).
    public var distance: any Distance<Scalar>
    /// How each kind's terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        positiveEpsilon: Scalar = 0.01, negativeEpsilon: Scalar = 0.01,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.positiveEpsilon, self.negativeEpsilon, self.distance, self.reducer) = (positiveEpsilon, negativeEpsilon, distance, reducer)
    }

    /// Throws unless both epsilons are finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["positiveEpsilon": positiveEpsilon, "negativeEpsilon": negativeEpsilon])
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        let (positive, negative) = pairs.pairs()
        let values = inputs.values(distance, of: positive + negative)
        /// The squared hinges of one kind: values below (1 − ε)·mean when `belowMean`, else above (1 + ε)·mean.
        func terms(_ v: Variable<Scalar>, epsilon: Scalar, belowMean: Bool) -> Variable<Scalar> {
            let mean = v.mean()
            return (belowMean ? (1 - epsilon) * mean - v : v - (1 + epsilon) * mean).relu().squared()
        }
        let similar = distance.isSimilarity
        let positiveTerms = terms(values.elements(in: 0..<positive.count), epsilon: positiveEpsilon, belowMean: similar)
        let negativeTerms = terms(values.elements(in: positive.count..<(positive.count + negative.count)), epsilon: negativeEpsilon, belowMean: !similar)
        return reducer.reduce(LossTerms(positiveTerms, pairs: positive, kind: .positivePair, labels: inputs.labels, name: "pos_loss"))
            + reducer.reduce(LossTerms(negativeTerms, pairs: negative, kind: .negativePair, labels: inputs.labels, name: "neg_loss"))
    }
}
