import TensorCore

/// Pairs drawn evenly across the range of their distances, as PML's `UniformHistogramMiner`.
///
/// The positive pairs' values are split into `binCount` equal-width bins from their
/// minimum to their maximum (edges as PyTorch's `linspace`; each bin [s, e), the last
/// [s, e]); from every non-empty bin, `positivesPerBin` pairs are drawn uniformly with
/// replacement. The negative pairs likewise with `negativesPerBin`. Pairs come out bin by
/// bin, positives drawn first. Defaults: 100 bins, 10 pairs per bin on each side,
/// Euclidean distance of normalised embeddings.
///
/// The draws are fixed by `seed` (pass a generator to `mine(_:using:)` for a stream across
/// batches). They follow PML's distribution, not PyTorch's random stream, so the pairs
/// differ from PML's while their bins, counts and uniformity agree.
///
/// - Complexity: O(N·M·D) for the distances, O(N·M·log B) to bin the pairs, O(B·k) draws;
///   memory O(N·M).
public struct UniformHistogramMiner<Scalar: TensorScalar>: SeededMiner, Sendable {
    /// The number of equal-width bins of each kind of pair (≥ 1).
    public var binCount: Int
    /// Positive pairs drawn from each non-empty bin (≥ 0).
    public var positivesPerBin: Int
    /// Negative pairs drawn from each non-empty bin (≥ 0).
    public var negativesPerBin: Int
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>
    /// The seed of the draws made by `mine(_:)`.
    public var seed: UInt64

    /// Creates the miner; the defaults are PML's.
    public init(binCount: Int = 100, positivesPerBin: Int = 10, negativesPerBin: Int = 10,
                distance: any Distance<Scalar> = EuclideanDistance<Scalar>(), seed: UInt64 = 0) {
        (self.binCount, self.positivesPerBin, self.negativesPerBin) = (binCount, positivesPerBin, negativesPerBin)
        (self.distance, self.seed) = (distance, seed)
    }

    /// Mines with draws from `generator`, which advances.
    /// - Throws: `MetricLearningError` for fewer than one bin, a negative count per bin or a bad batch.
    public func mine(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MinedTuples {
        try mineSharingMatrix(inputs, using: &generator).releasingMatrix()
    }

    /// Mines with draws from `generator`, handing on the matrix it binned.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>, using generator: inout SeededRandomGenerator) throws -> MiningResult<Scalar> {
        try BatchValidation.require(binCount >= 1, "binCount", binCount, "must be at least 1")
        try BatchValidation.require(positivesPerBin >= 0, "positivesPerBin", positivesPerBin, "must not be negative")
        try BatchValidation.require(negativesPerBin >= 0, "negativesPerBin", negativesPerBin, "must not be negative")
        let (d, _, _, m) = try inputs.miningMatrix(distance)
        let (positive, negative) = inputs.pairing.allPairs().asPairs()
        func draw(_ pairs: [IndexPair], perBin: Int) -> [IndexPair] {
            let bins = Self.bins(of: pairs.map { d[Int($0.anchor) * m + Int($0.other)] }, count: binCount)
            // The pairs of each bin, in order (a counting sort by bin).
            var starts = [Int](repeating: 0, count: binCount + 1)
            for b in bins { starts[b + 1] += 1 }
            for b in 0..<binCount { starts[b + 1] += starts[b] }
            var members = [Int](repeating: 0, count: pairs.count), next = starts
            for (i, b) in bins.enumerated() {
                members[next[b]] = i
                next[b] += 1
            }
            var out: [IndexPair] = []
            for b in 0..<binCount where starts[b + 1] > starts[b] {
                let size = starts[b + 1] - starts[b]
                for _ in 0..<perBin { out.append(pairs[members[starts[b] + generator.nextIndex(below: size)]]) }
            }
            return out
        }
        let drawnPositives = draw(positive, perBin: positivesPerBin)
        return inputs.mined(.pairs(positive: drawnPositives, negative: draw(negative, perBin: negativesPerBin)), from: d, of: distance)
    }

    /// The bin of each value among `count` equal-width bins from the smallest value to the
    /// largest: bin i holds edge[i] ≤ v < edge[i + 1], the last also v = edge[count].
    static func bins(of values: [Scalar], count: Int) -> [Int] {
        guard let low = values.min(), let high = values.max() else { return [] }
        // PyTorch's linspace: the first half of the edges counted up from the start, the rest down from the end.
        let step = (high - low) / Scalar(count)
        let edges = (0...count).map { i in i < (count + 1) / 2 ? low + step * Scalar(i) : high - step * Scalar(count - i) }
        return values.map { v in
            // The last edge among edges[0..<count] that is ≤ v (edges[0] = low ≤ v).
            var (lower, upper) = (0, count - 1)
            while lower < upper {
                let middle = (lower + upper + 1) / 2
                if edges[middle] <= v { lower = middle } else { upper = middle - 1 }
            }
            return lower
        }
    }
}
