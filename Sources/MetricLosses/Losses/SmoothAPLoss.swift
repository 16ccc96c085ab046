import TensorCore

/// The Smooth-AP loss (Brown et al. 2020), as PML's `SmoothAPLoss`: one minus a smoothed
/// average precision of each anchor's ranking of the batch.
///
/// For anchor i with positives P (the items of its class, itself included, as in the
/// authors' code and PML) and similarities s, the step function of the ranking is replaced
/// by a sigmoid of temperature τ, σₖₗ = σ((s_il − s_ik)/τ):
///
///     APᵢ = (1/|P|) Σ_{k∈P} (1 + Σ_{l∈P, l≠k} σₖₗ) / (1 + Σ_{l≠k} σₖₗ),   Lᵢ = 1 − APᵢ
///
/// the ranks of k among the positives and among all items. The terms are reduced by the
/// mean, PML's default.
///
/// **Batches must hold the same number of items of every class** (m per class, as PML's
/// `MPerClassSampler` draws them): PML raises for other batches, and so does this, with a
/// `MetricLearningError.invalidLabels` listing the counts.
///
/// The positives are found from the labels, in any order. PML instead reshapes the batch
/// into consecutive blocks of N/(N/C) = C rows for C classes and takes each block as a
/// class: the same as this when classes lie in consecutive blocks and m = C (the layout
/// PML documents), something else otherwise.
///
/// With tuples, as PML's miner weights: each anchor's term is multiplied by the number of
/// times its index appears in the tuples (anchors, and positives and negatives that are batch
/// rows) over the largest such number. Empty tuples give 0 with a zero gradient, as for every
/// loss of the library (PML ignores empty tuples). Against references (which PML's
/// `SmoothAPLoss` does not take), each anchor ranks the references, its positives being the
/// references with its label (its own copy included) and an anchor without any has the term
/// 0; the equal class counts are required of the batch.
///
/// Defaults τ = 0.01 and cosine similarity (PML requires cosine; any similarity is accepted
/// here), the mean. τ must be positive.
///
/// - Complexity: O(N·M·D) for the matrix, then O(N·m·M) time for m items per class, where
///   PML builds N×N×N tensors.
public struct SmoothAPLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The temperature τ of the sigmoid that smooths the ranking (τ > 0; smaller is closer
    /// to the step function).
    public var temperature: Scalar
    /// How embeddings are compared; a similarity (cosine by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(temperature: Scalar = 0.01, distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
                reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.temperature, self.distance, self.reducer) = (temperature, distance, reducer)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, _, _) = try inputs.validate(tuples)
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
        let scale = try SoftmaxRows.logitScale(temperature: temperature, isSimilarity: true)
        try BatchValidation.requireEqualClassCounts(inputs.labels)
        let weights = tuples.map { Self.minerWeights($0, count: n, selfOffset: inputs.selfOffset) } ?? [Scalar](repeating: 1, count: n)
        guard weights.contains(where: { $0 != 0 }) else { return try inputs.noTerms(reducer).checked() }
        let kernel = SmoothAPRows<Scalar>(labels: inputs.labels, referenceLabels: inputs.referenceLabels, weights: weights, scale: scale)
        let terms = SoftmaxRows.terms(kernel, inputs: inputs, distance: distance)
        return try reducer.reduce(LossTerms(elements: terms, labels: inputs.labels)).checked()
    }

    /// PML's `convert_to_weights`: how often each of the `count` batch rows appears in
    /// `tuples` (as an anchor, or as a reference that is its copy at `selfOffset`), over the
    /// largest such count; all 0 for empty tuples.
    static func minerWeights(_ tuples: MinedTuples, count: Int, selfOffset: Int?) -> [Scalar] {
        var counts = [Int](repeating: 0, count: count)
        func add(_ index: Int32, anchor: Bool) {
            let row = anchor ? Int(index) : selfOffset.map { Int(index) - $0 } ?? -1
            if row >= 0 && row < count { counts[row] += 1 }
        }
        switch tuples {
        case .pairs(let positive, let negative):
            for pair in positive + negative { add(pair.anchor, anchor: true); add(pair.other, anchor: false) }
        case .triplets(let triplets):
            for t in triplets { add(t.anchor, anchor: true); add(t.positive, anchor: false); add(t.negative, anchor: false) }
        }
        let top = Scalar(counts.max() ?? 0)
        return counts.map { top > 0 ? Scalar($0) / top : 0 }
    }
}
