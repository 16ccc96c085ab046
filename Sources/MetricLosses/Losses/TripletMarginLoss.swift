import TensorCore

/// The triplet margin loss (Weinberger & Saul 2009; Schroff et al. 2015), as PML's `TripletMarginLoss`.
///
/// Per triplet `relu(d_ap − d_an + margin)` (for a similarity `relu(s_an − s_ap + margin)`).
/// `swap` replaces d_an by min(d_an, d_pn) (Balntas et al. 2016); `smooth` uses
/// softplus instead of relu. Defaults: margin 0.05, Euclidean distance of normalised
/// embeddings, mean of non-zero terms. Without tuples, all triplets with a ≠ p.
public struct TripletMarginLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The gap the negative must keep beyond the positive.
    public var margin: Scalar
    /// Use the harder of anchor–negative and positive–negative.
    public var swap: Bool
    /// Softplus instead of relu.
    public var smooth: Bool
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>
    /// How the triplet terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        margin: Scalar = 0.05, swap: Bool = false, smooth: Bool = false,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        (self.margin, self.swap, self.smooth, self.distance, self.reducer) = (margin, swap, smooth, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.requireFinite(["margin": margin])
        let triplets = (tuples ?? inputs.pairing.allTriplets()).asTriplets()
        // Lists long enough for the whole matrix: one pass over the list, no per-triplet tensors.
        if !swap, let reduction = reducer.termReduction, !triplets.isEmpty, triplets.count <= Int(Int32.max),
           !distance.prefersPairs(count: 2 * triplets.count, inputs.embeddings, inputs.references) {
            let (isSimilarity, margin, smooth) = (distance.isSimilarity, margin, smooth)
            return try Variable.fusedLoss(of: inputs.matrix(distance)) {
                ListedTripletReduction.lossAndGradient(
                    matrix: $0, triplets: triplets, isSimilarity: isSimilarity, margin: margin, smooth: smooth, reduction: reduction)
            }.checked()
        }
        let t = TripletColumns(triplets)
        let count = t.count
        let values = inputs.values(distance, rows: t.anchors + t.anchors, columns: t.positives + t.negatives)
        let ap = values.elements(in: 0..<count)
        var an = values.elements(in: count..<(2 * count))
        if swap {
            // Positive–negative distances are between two references.
            let pn = distance.values(inputs.references, rows: t.positives, columns: t.negatives)
            an = distance.isSimilarity ? Variable.maximum(an, pn) : Variable.minimum(an, pn)
        }
        let violation = (distance.isSimilarity ? an - ap : ap - an) + margin
        let terms = smooth ? violation.softplus() : violation.relu()
        return try reducer.reduce(LossTerms(terms, triplets: triplets, labels: inputs.labels)).checked()
    }
}
