import TensorCore

/// The ranked list loss (Wang et al. 2019), as PML's `RankedListLoss`.
///
/// Each anchor ranks the batch by distance d. Its non-trivial positives are those farther
/// than α − m, its non-trivial negatives those nearer than α; each set is weighted by the
/// softmax of its violations (temperatures T₊ and T₋), and the anchor's term is
///
///     Lᵢ = (1 − λ)·Σ₊ w·(d − (α − m)) / (Σ₊ w + M·ε) + λ·Σ₋ w·(α − d) / (Σ₋ w + M·ε)
///     w₊ = e^(T₊(d − (α − m))),  w₋ = e^(T₋(α − d)),  ε = 10⁻⁵
///
/// with M the number of references (PML adds ε once per column). As PML: the weights are
/// not detached; an entry at distance exactly 0 is never selected (PML zeroes the diagonal
/// and keeps only entries above 0); the terms (one per anchor, 0 for an anchor without
/// selected entries) are reduced by the mean.
///
/// With tuples (PML's `RankedListLoss` takes none): the candidates are the listed positive
/// and negative pairs (triplets count as their pairs), each once; a pair listed as both
/// throws. Against references (PML takes none either): the anchors rank the references,
/// never their own copy. The weights are shifted by the largest exponent of each side,
/// which changes nothing in exact arithmetic and keeps large temperatures finite (PML warns
/// above 5).
///
/// No defaults for m and T₋, as in PML; λ = 0.5 (PML's `imbalance`), α = 1 + m/2, T₊ = 0
/// (RLL-Simpler), Euclidean distance of normalised embeddings, the mean.
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·M).
public struct RankedListLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The margin m between the positive and the negative boundary.
    public var margin: Scalar
    /// The temperature T₋ of the negatives' weights (PML's `Tn`).
    public var negativeTemperature: Scalar
    /// The weight λ ∈ [0, 1] of the negative side (PML's `imbalance`).
    public var imbalance: Scalar
    /// The negative boundary α (PML's `alpha`); nil for PML's default 1 + m/2.
    public var alpha: Scalar?
    /// The temperature T₊ of the positives' weights (PML's `Tp`; 0 weighs them equally).
    public var positiveTemperature: Scalar
    /// How embeddings are compared (Euclidean distance of normalised embeddings by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(margin: Scalar, negativeTemperature: Scalar, imbalance: Scalar = 0.5, alpha: Scalar? = nil, positiveTemperature: Scalar = 0,
                distance: any Distance<Scalar> = EuclideanDistance<Scalar>(), reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.margin, self.negativeTemperature, self.imbalance, self.alpha) = (margin, negativeTemperature, imbalance, alpha)
        (self.positiveTemperature, self.distance, self.reducer) = (positiveTemperature, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, m, _) = try inputs.validate(tuples)
        let alpha = self.alpha ?? 1 + margin / 2
        try BatchValidation.requireFinite(["margin": margin, "negativeTemperature": negativeTemperature, "imbalance": imbalance,
                                           "alpha": alpha, "positiveTemperature": positiveTemperature])
        try BatchValidation.require(imbalance >= 0 && imbalance <= 1, "imbalance", imbalance, "must be in [0, 1]")
        var kinds: [UInt8]
        if let tuples {
            guard !tuples.isEmpty else { return try inputs.noTerms(reducer).checked() }
            let (positive, negative) = try PairSelection(tuples, pairing: inputs.pairing).masks()
            kinds = zip(positive, negative).map { $0 ? 1 : $1 ? 2 : 0 }
        } else {
            kinds = inputs.labels.flatMap { label in inputs.referenceLabels.map { $0 == label ? 1 : 2 } }
        }
        let pairing = inputs.pairing
        for i in 0..<n { if let own = pairing.selfReference(of: i), own < m { kinds[i * m + own] = 0 } }
        let kernel = RankedListRows<Scalar>(kinds: kinds, rows: n, alpha: alpha, margin: margin, positiveTemperature: positiveTemperature,
                                            negativeTemperature: negativeTemperature, imbalance: imbalance)
        let terms = SoftmaxRows.terms(kernel, inputs: inputs, distance: distance)
        return try reducer.reduce(LossTerms(elements: terms, labels: inputs.labels)).checked()
    }
}
