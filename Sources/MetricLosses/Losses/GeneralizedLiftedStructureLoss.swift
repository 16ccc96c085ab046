import TensorCore

/// The generalized lifted structure loss (Hermans, Beyer & Leibe 2017, "In Defense of the
/// Triplet Loss", p. 4), as PML's `GeneralizedLiftedStructureLoss`.
///
/// Per anchor i, over its positive set Pᵢ and negative set Nᵢ of distances d:
///
///     Lᵢ = relu( ln Σ_{Pᵢ} e^(d − m₊) + ln Σ_{Nᵢ} e^(m₋ − d) )
///
/// (for a similarity s: e^(m₊ − s) and e^(s − m₋)); a log-sum-exp over an empty set is 0,
/// as PML fills it. One term per anchor row ("element" reduction, as PML), so anchors
/// without pairs give a term 0, which the default mean counts. With tuples, a pair listed
/// more than once counts once, and a pair listed as both positive and negative throws.
///
/// Defaults m₋ = 1, m₊ = 0, Euclidean distance of normalised embeddings, the mean of the
/// terms (PML's defaults). Nothing is detached.
///
/// - Complexity: O(N·M) beyond the matrix, for N anchors and M references: each row's two
///   log-sum-exps in one pass (vectorised exponentials), no pair list and no masks when
///   every pair is used; O(T log T) for T listed pairs. Over every pair of a batch against
///   itself the matrix's own buffer holds the exponentials and then the gradient (cosine:
///   the Gram matrix; Euclidean of normalised rows, the default: the distances, their
///   gradient taken with respect to d²): one [N, N] buffer per step.
public struct GeneralizedLiftedStructureLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The distance a negative pair should stay beyond (PML's `neg_margin`).
    public var negativeMargin: Scalar
    /// The distance a positive pair should come within (PML's `pos_margin`).
    public var positiveMargin: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
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
        // PML's distance.margin: d − m₊ and m₋ − d, or m₊ − s and s − m₋, as k·v + b.
        let sign: Scalar = distance.isSimilarity ? -1 : 1
        let positive = (scale: sign, offset: -sign * positiveMargin), negative = (scale: -sign, offset: sign * negativeMargin)
        let n = pairs.extents.anchors
        let sides: Variable<Scalar>
        if let rows = pairs.rows, inputs.referencesAreEmbeddings, distance.kernel == .euclidean(squared: false), distance.normalizesEmbeddings {
            // The default: the distances' buffer becomes the rows' exponentials (unit rows: no rescaling).
            let kernel = SidedLogSumExpRows(rows, positive: positive, negative: negative, foldsDistanceRoot: true)
            sides = SidedLogSumExpRows.terms(kernel, euclideanOf: distance.prepare(inputs.embeddings))
        } else if let rows = pairs.rows {
            sides = SoftmaxRows.terms(SidedLogSumExpRows(rows, positive: positive, negative: negative), inputs: inputs, distance: distance)
        } else {
            let (listed, isPositive) = try pairs.distinctPairs()
            sides = SidedLogSumExpRows.listed(inputs.values(distance, of: listed), pairs: listed, isPositive: isPositive, anchorCount: n,
                                              positive: positive, negative: negative)
        }
        return reducer.reduce(LossTerms(elements: (sides.elements(in: 0..<n) + sides.elements(in: n..<(2 * n))).relu(), labels: inputs.labels))
    }
}
