import TensorCore

/// The angular loss (Wang et al. 2017) in its N-pair form, as PML's `AngularLoss`.
///
/// For each positive pair (a, p), with x̂ a normalised embedding and t = tan²α:
/// `ln(1 + Σₙ exp(4t (x̂_a + x̂_p)·x_n − 2(1 + t) x̂_a·x̂_p))` over every n with another
/// label than a. As in PML, anchors and positives are normalised but the negatives x_n
/// enter as given, so pass unit-norm embeddings for the paper's form. Default α = 40°,
/// mean of non-zero terms. Mined tuples choose the positive pairs; the negatives are
/// always every differently labelled sample.
public struct AngularLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The angle α in degrees, in (0, 90).
    public var alphaDegrees: Scalar
    /// How the per-pair terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(alphaDegrees: Scalar = 40, reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()) {
        (self.alphaDegrees, self.reducer) = (alphaDegrees, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.require(alphaDegrees > 0 && alphaDegrees < 90, "alphaDegrees", alphaDegrees, "must lie in (0, 90)")
        let (positive, hasNegative) = tuples.map { let pairs = $0.asPairs(); return (pairs.positive, !pairs.negative.isEmpty) }
            ?? inputs.pairing.positivePairs()
        guard !positive.isEmpty, hasNegative else {
            return try inputs.noTerms(reducer).checked()
        }
        let pairs = PairColumns(positive)
        func reduced(_ terms: Variable<Scalar>) throws -> Variable<Scalar> {
            try reducer.reduce(LossTerms(terms, pairs: positive, kind: .positivePair, labels: inputs.labels)).checked()
        }
        let tanSquared = Scalar.tan(alphaDegrees * .pi / 180) * Scalar.tan(alphaDegrees * .pi / 180)
        let same = inputs.referencesAreEmbeddings
        let anchors = inputs.embeddings.normalizedRows()
        let positives = same ? anchors : inputs.references.normalizedRows()
        let pairDots = pairDotProducts(anchors, positives, rows: pairs.anchors, columns: pairs.others)
        // x̂ₐ·xₙ = (x̂ₐ·x̂ₙ)‖xₙ‖: a Gram matrix (half the products, one in the pullback) and the
        // norms — unless a norm overflows (rows near the largest Float), where the products
        // below stay finite.
        if same, case let norms = inputs.embeddings.rowNorms(), norms.value.scalars.allSatisfy(\.isFinite) {
            if let terms = FactoredAngularTerms.terms(normalized: anchors, norms: norms, pairDots: pairDots,
                                                      anchors: pairs.anchors, positives: pairs.others, labels: inputs.labels,
                                                      tanSquared: tanSquared) {
                return try reduced(terms)
            }
        }
        // (x̂ₐ + x̂ₚ)·xₙ = x̂ₐ·xₙ + x̂ₚ·xₙ: one product of anchors and one of positives with the references.
        let products = AngularProducts(
            anchorProducts: matmul(anchors, inputs.references, transposeB: true),
            positiveProducts: same ? nil : matmul(positives, inputs.references, transposeB: true), pairDots: pairDots,
            anchors: pairs.anchors, positives: pairs.others, labels: inputs.labels, referenceLabels: inputs.referenceLabels,
            tanSquared: tanSquared)
        // The batch against itself only gets here when its exponents span too wide for factoring.
        let factored = same ? nil : FactoredAngularTerms.terms(products)
        let terms = factored ?? AngularPairTerms.terms(products)
        return try reduced(terms)
    }
}
