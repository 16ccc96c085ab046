import TensorCore

/// The dynamic soft margin loss (Zhang & Rusinkiewicz 2019, "Learning local descriptors
/// with a CDF-based dynamic soft margin"), as PML's `DynamicSoftMarginLoss`: each triplet's
/// x = d_ap − d_an weighted by the cumulative distribution of the x's seen so far.
///
/// A histogram h of `binCount` bins of width δ = 2|min|/bins from min = ``minimumValue``
/// keeps that distribution. A call spreads each triplet's x linearly over its two nearest
/// bins (bin b = ⌊p⌋ and b + 1, p = (x − min)/δ), mixes that with the stored histogram by
/// ``momentum`` μ (μ = 1 when the stored histogram is zero, as in a fresh loss), normalises
/// it, and weighs each x by the cumulative sum C of the result:
///
///     h = normalise((1 − μ)·h₀ + μ·Σₜ spread(xₜ)),   L = (1/T) Σₜ C[bₜ]·xₜ
///
/// The gradient flows through C as PML's does (h is not detached within a call).
///
/// **State.** PML keeps h (`hist_`) inside the loss object and updates it on every call.
/// Here the loss is a value and h is ``histogram``, stored with the loss:
/// - `callAsFunction` (the ``MetricLoss`` requirement, which every suite and
///   `CrossBatchMemory` use) computes the call PML would make from the stored histogram and
///   leaves it unchanged: a fresh loss gives PML's first call, every time.
/// - ``loss(_:tuples:)`` returns that loss with the histogram the call leaves, an explicit
///   next state; ``update(_:tuples:)`` is PML's call: it returns the loss and stores that
///   histogram.
/// The stored histogram is a plain constant for the next call. (PML's stays attached to the
/// previous call's graph, so a second backward pass through PML's loss fails.)
///
/// Triplets: every (a, p, n) without tuples, or the listed ones (pairs that share an
/// anchor combined, repeats kept), anchors against references. Without a triplet the loss
/// is 0 and the histogram unchanged. PML's batches without labels (row i of the embeddings
/// and of the references as the positive pair) are not supported: every call has labels.
///
/// PML raises an index error for a triplet at p < 0 or p ≥ bins − 1 (with the defaults,
/// x ≥ 1.6); here such a triplet counts wholly in the first or last bin, without a
/// gradient through the histogram.
///
/// Defaults are PML's: min = −2, 10 bins, μ = 0.01, Euclidean distance of normalised
/// embeddings. The loss is already a scalar (PML's "already reduced"), so it takes no reducer.
///
/// - Complexity: O(N·M·D) for the matrix, then O(T + N·M) for T triplets, which are never
///   listed when there are no tuples.
public struct DynamicSoftMarginLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The lower end of the histogram's range of d_ap − d_an (PML's `min_val`; negative):
    /// the bins cover [min, −min].
    public var minimumValue: Scalar
    /// The number of bins (PML's `num_bins`; at least 1).
    public var binCount: Int
    /// The weight μ of a call's triplets against the stored histogram (0 ≤ μ ≤ 1).
    public var momentum: Scalar
    /// How embeddings are compared; a distance (Euclidean between normalised rows by default).
    public var distance: any Distance<Scalar>
    /// The running histogram h (PML's `hist_`): `binCount` non-negative entries, all zero
    /// in a fresh loss.
    public var histogram: [Scalar]

    /// Creates the loss with a zero histogram; the defaults are PML's.
    public init(minimumValue: Scalar = -2, binCount: Int = 10, momentum: Scalar = 0.01,
                distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        (self.minimumValue, self.binCount, self.momentum, self.distance) = (minimumValue, binCount, momentum, distance)
        histogram = Array(repeating: 0, count: Swift.max(binCount, 0))
    }

    /// Throws unless min is negative and finite, there is at least one bin, μ lies in
    /// [0, 1], the histogram has `binCount` finite non-negative entries, and the distance is
    /// a distance.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["minimumValue": minimumValue, "momentum": momentum])
        try BatchValidation.require(minimumValue < 0, "minimumValue", minimumValue, "must be negative")
        try BatchValidation.require(binCount >= 1, "binCount", binCount, "must be at least 1")
        try BatchValidation.require(momentum >= 0 && momentum <= 1, "momentum", momentum, "must lie in [0, 1]")
        try BatchValidation.require(histogram.count == binCount, "histogram.count", histogram.count, "must equal binCount = \(binCount)")
        try BatchValidation.require(histogram.allSatisfy { $0 >= 0 && $0.isFinite }, "histogram", histogram, "must be finite and non-negative")
        try BatchValidation.require(!distance.isSimilarity, "distance", distance, "must be a distance, not a similarity")
    }

    /// The loss of PML's call from the stored histogram, and the histogram that call leaves.
    /// - Throws: `MetricLearningError` for bad inputs, tuples or hyperparameters.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> (loss: Variable<Scalar>, histogram: [Scalar]) {
        try inputs.validate(tuples)
        try checkHyperparameters()
        let triplets = try AnchorTriplets(tuples, pairing: inputs.pairing)
        guard triplets.count > 0 else { return (inputs.zeroLoss, histogram) }
        var next = histogram
        let loss = Variable.fusedLoss(of: try inputs.matrix(distance).checked()) { matrix in
            let r = SoftMarginHistogram.lossAndGradient(matrix: matrix, triplets: triplets, histogram: histogram,
                                                        minimum: minimumValue, momentum: momentum)
            next = r.histogram
            return (r.value, r.gradient)
        }
        return (try loss.checked(), next)
    }

    /// PML's call: the loss from the stored histogram, which then becomes the histogram the
    /// call leaves.
    /// - Throws: what ``loss(_:tuples:)`` throws (the histogram is then unchanged).
    public mutating func update(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples? = nil) throws -> Variable<Scalar> {
        let (loss, next) = try loss(inputs, tuples: tuples)
        histogram = next
        return loss
    }

    /// The loss from the stored histogram, which it leaves unchanged.
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try loss(inputs, tuples: tuples).loss
    }
}
