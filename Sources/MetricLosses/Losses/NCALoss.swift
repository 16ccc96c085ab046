import TensorCore

/// The neighbourhood components analysis loss (Goldberger et al. 2004), as PML's `NCALoss`.
///
/// Each anchor i picks a neighbour j among the references (never its own copy) with the
/// softmax probability of x_ij = −κ·d_ij (κ·s_ij for a similarity), κ the softmax scale;
/// its term is −ln of the probability of picking a positive:
///
///     Lᵢ = −ln Σ_{p ∈ Pᵢ} softmax_j(x_ij)_p = ln Σ_{j ≠ i} e^(x_ij) − ln Σ_{Pᵢ} e^(x_ip)
///
/// reduced by the mean over the anchors that have a positive (PML leaves the others out).
/// With mined tuples, PML still uses every pair and only weighs each anchor's term by how
/// often the anchor occurs in the tuples (`MinedTuples.occurrenceWeights`, held constant);
/// so does this. An empty tuple list gives 0 here (PML weighs every anchor 1 then), as for
/// every loss of the library. As PML, a batch of one gives 0.
///
/// Both log-sum-exps are shifted by their largest exponent: PML takes ln of the summed
/// softmax, which drops an anchor whose positive mass underflows to 0; here that anchor
/// keeps its (large, finite) term. An anchor without negatives has the term 0.
///
/// Defaults κ = 1 (PML's `softmax_scale`), squared Euclidean distance between
/// L2-normalised rows (PML's `LpDistance(power=2)`), the mean. κ must be positive and finite.
/// For a batch against itself under that default distance, ‖x − y‖² = 2 − 2⟨x, y⟩ between
/// unit rows, and the constant cancels in every row's softmax: the loss runs on the Gram
/// matrix of the rows (one `[N, N]` buffer for the products, the exponentials and the
/// gradient), unless a row is too short to normalise to unit length.
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·M) for N anchors and M references.
public struct NCALoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The softmax scale κ (PML's `softmax_scale`, κ > 0): larger sharpens the choice of neighbour.
    public var softmaxScale: Scalar
    /// How embeddings are compared (squared Euclidean between normalised rows by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        softmaxScale: Scalar = 1,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>(squared: true),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.softmaxScale, self.distance, self.reducer) = (softmaxScale, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, _, _) = try inputs.validate(tuples)
        try BatchValidation.requireFinite(["softmaxScale": softmaxScale])
        try BatchValidation.require(softmaxScale > 0 && (4 * softmaxScale).isFinite, "softmaxScale", softmaxScale, "must be positive, with 4·softmaxScale finite")
        let pairs = DenseRowPairs(inputs.pairing)
        guard n > 1, pairs.positiveCount > 0, tuples?.isEmpty != true else { return try inputs.noTerms(reducer).checked() }
        let terms: Variable<Scalar>, termRows: [Int]
        if let rows = SoftmaxRows.unitRows(inputs, squaredDistance: distance) {
            let kernel = NCARows(pairs, scale: 2 * softmaxScale)
            (terms, termRows) = (SoftmaxRows.terms(kernel, gramOf: rows), kernel.termRows)
        } else {
            let kernel = NCARows(pairs, scale: distance.isSimilarity ? softmaxScale : -softmaxScale)
            (terms, termRows) = (SoftmaxRows.terms(kernel, inputs: inputs, distance: distance), kernel.termRows)
        }
        let weighted = tuples.map { terms * Variable(Tensor($0.occurrenceWeights(of: termRows, in: inputs))) } ?? terms
        return try reducer.reduce(weighted).checked()
    }
}
