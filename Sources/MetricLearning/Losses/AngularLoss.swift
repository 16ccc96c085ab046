/// The angular loss (Wang et al. 2017) in its N-pair form, as PML's `AngularLoss`.
///
/// For each positive pair (a, p), with x̂ a normalised embedding and t = tan²α:
/// `ln(1 + Σₙ exp(4t (x̂_a + x̂_p)·x_n − 2(1 + t) x̂_a·x̂_p))` over every n with another
/// label than a. As in PML, anchors and positives are normalised but the negatives x_n
/// enter as given, so pass unit-norm embeddings for the paper's form. Default α = 40°,
/// mean of non-zero terms. Mined tuples choose the positive pairs; the negatives are
/// always every differently labelled sample.
public struct AngularLoss<Scalar: TensorScalar>: MetricLoss {
    /// The angle α in degrees, in (0, 90).
    public var alphaDegrees: Scalar
    /// How the per-pair terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(alphaDegrees: Scalar = 40, reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()) {
        self.alphaDegrees = alphaDegrees
        self.reducer = reducer
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar> {
        try BatchValidation.check(embeddings, labels: labels, tuples: tuples)
        try BatchValidation.require(alphaDegrees > 0 && alphaDegrees < 90, "alphaDegrees", alphaDegrees, "must lie in (0, 90)")
        let (positive, negative) = (tuples ?? .allPairs(labels: labels)).asPairs()
        guard !positive.isEmpty, !negative.isEmpty else { return embeddings.sum() * 0 }
        let pairs = PairColumns(positive)
        let normalized = embeddings.normalizedRows()
        let tanSquared = Scalar.tan(alphaDegrees * .pi / 180) * Scalar.tan(alphaDegrees * .pi / 180)
        let products = matmul(normalized, embeddings, transposeB: true)
        let pairDots = normalized.pairDotProducts(rows: pairs.anchors, columns: pairs.others)
        let terms = AngularPairTerms.terms(products: products, pairDots: pairDots, anchors: pairs.anchors,
                                           positives: pairs.others, labels: labels, tanSquared: tanSquared)
        return try reducer.reduce(terms).checked()
    }
}
