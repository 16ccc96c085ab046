import TensorCore

/// The multi-similarity loss (Wang et al. 2019), as PML's `MultiSimilarityLoss`.
///
/// Per anchor i, over its positive set Pᵢ and negative set Nᵢ of similarities s:
/// `(1/α) ln(1 + Σ_{Pᵢ} e^(−α(s − base))) + (1/β) ln(1 + Σ_{Nᵢ} e^(β(s − base)))`.
/// Defaults α = 2, β = 50, base 0.5, cosine similarity, mean of non-zero terms (so
/// anchors without pairs do not count).
public struct MultiSimilarityLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The weight of positive pairs (α > 0).
    public var alpha: Scalar
    /// The weight of negative pairs (β > 0).
    public var beta: Scalar
    /// The similarity both exponents are measured from.
    public var base: Scalar
    /// How embeddings are compared (a similarity by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        alpha: Scalar = 2, beta: Scalar = 50, base: Scalar = 0.5,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        (self.alpha, self.beta, self.base, self.distance, self.reducer) = (alpha, beta, base, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        let masks = try pairs.masks()
        // For a distance, "closer" flips sign: the exponents use base − d and d − base.
        let terms = MultiSimilarityTerms.terms(matrix: inputs.matrix(distance), positiveMask: masks.positive, negativeMask: masks.negative,
                                               alpha: alpha, beta: beta, base: base, isSimilarity: distance.isSimilarity)
        return reducer.reduce(LossTerms(elements: terms, labels: inputs.labels))
    }

    /// Throws unless α, β and the base are finite and α, β positive.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["alpha": alpha, "beta": beta, "base": base])
        try BatchValidation.require(alpha > 0, "alpha", alpha, "must be positive")
        try BatchValidation.require(beta > 0, "beta", beta, "must be positive")
    }
}
