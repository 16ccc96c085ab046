import TensorCore

/// The FastAP loss (Cakir et al. 2019), as PML's `FastAPLoss`: one minus a soft
/// histogram approximation of each anchor's average precision.
///
/// Anchor i's distances to its positives and to its negatives are binned into B bins of
/// width Δ = d_max/B with triangular pulses (a distance d gives relu(1 − |d − kΔ|/Δ) to
/// centre k = 0…B); with h⁺, h⁻ the two histograms, H⁺ = cumsum h⁺, H = cumsum(h⁺ + h⁻)
/// and |Pᵢ| positives:
///
///     Lᵢ = 1 − (1/|Pᵢ|)·Σₖ h⁺ₖ·H⁺ₖ / Hₖ        (over the bins where h⁺ₖH⁺ₖ > 0 and Hₖ > 0)
///
/// reduced by the mean over the anchors that have a positive (PML leaves the others out).
/// The gradient flows through the pulses (piecewise linear in d; zero slope at a centre,
/// as PyTorch's). With mined tuples, PML still uses every pair and only weighs each
/// anchor's term by how often the batch row occurs in the tuples
/// (`MinedTuples.occurrenceWeights`, held constant); so does this. An empty tuple list
/// gives 0 here (PML weighs every anchor 1 then), as for every loss of the library.
///
/// The distance must be Euclidean between L2-normalised rows, as PML asserts; d_max is 4
/// for the squared distance (PML's default `LpDistance(power=2)`) and 2 for the plain one.
/// PML refuses `ref_emb`; against references, each anchor's histograms are over the
/// references (never its own copy). For a batch against itself under the squared distance,
/// ‖x − y‖² = 2 − 2⟨x, y⟩ between unit rows: the loss runs on the Gram matrix of the rows,
/// one `[N, N]` buffer for the products and then the gradient, without PML's
/// `[B + 1, N, N]` pulses (unless a row is too short to normalise to unit length).
///
/// Defaults B = 10 (PML's `num_bins`), the squared Euclidean distance, the mean. B must be
/// in 1…2²⁰ (finer bins than that are below `Float`'s resolution of the distance range).
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·(M + B)) for N anchors and M references.
public struct FastAPLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The number of histogram bins B (PML's `num_bins`, 1 ≤ B ≤ 2²⁰).
    public var binCount: Int
    /// How embeddings are compared: Euclidean between normalised rows, squared by default.
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        binCount: Int = 10,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>(squared: true),
        reducer: any Reducer<Scalar> = MeanReducer<Scalar>()
    ) {
        (self.binCount, self.distance, self.reducer) = (binCount, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.require(binCount >= 1 && binCount <= 1 << 20, "binCount", binCount, "must be in 1...1048576")
        guard case .euclidean(let squared) = distance.kernel, distance.normalizesEmbeddings else {
            throw MetricLearningError(.invalidParameter, "FastAPLoss needs the Euclidean distance between L2-normalised rows (as PML), not \(distance)")
        }
        let pairs = DenseRowPairs(inputs.pairing)
        guard pairs.positiveCount > 0, tuples?.isEmpty != true else { return try inputs.noTerms(reducer).checked() }
        let terms: Variable<Scalar>, termRows: [Int]
        if let rows = SoftmaxRows.unitRows(inputs, squaredDistance: distance) {
            let kernel = FastAPRows<Scalar>(pairs, binCount: binCount, largestDistance: 4, offset: 2, slope: -2)
            (terms, termRows) = (SoftmaxRows.terms(kernel, gramOf: rows), kernel.termRows)
        } else {
            let kernel = FastAPRows<Scalar>(pairs, binCount: binCount, largestDistance: squared ? 4 : 2)
            (terms, termRows) = (SoftmaxRows.terms(kernel, matrix: inputs.matrix(distance)), kernel.termRows)
        }
        let weighted = tuples.map { terms * Variable(Tensor($0.occurrenceWeights(of: termRows, in: inputs))) } ?? terms
        return try reducer.reduce(weighted).checked()
    }
}
