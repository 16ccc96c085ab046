import TensorCore

/// Pairs that violate the contrastive margins, as PML's `PairMarginMiner`.
///
/// Keeps positive pairs with d > positiveMargin and negative pairs with d < negativeMargin
/// (for a similarity: s < positiveMargin and s > negativeMargin). Defaults 0.2 and 0.8,
/// Euclidean distance of normalised embeddings.
public struct PairMarginMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// Positive pairs farther than this are kept.
    public var positiveMargin: Scalar
    /// Negative pairs nearer than this are kept.
    public var negativeMargin: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(positiveMargin: Scalar = 0.2, negativeMargin: Scalar = 0.8, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        (self.positiveMargin, self.negativeMargin, self.distance) = (positiveMargin, negativeMargin, distance)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        try BatchValidation.requireFinite(["positiveMargin": positiveMargin, "negativeMargin": negativeMargin])
        let (labels, refs) = (inputs.labels, inputs.referenceLabels)
        let m = refs.count
        // Work in "farness" f (distance, or negated similarity): larger is farther.
        let sign: Scalar = distance.isSimilarity ? -1 : 1
        var (farPositive, farNegative) = (sign * positiveMargin, sign * negativeMargin)
        let d: Tensor<Scalar>, computed: any Distance<Scalar>
        if let squared = SquaredDistanceThreshold.squaredForm(of: distance) {
            // Compare squared distances with exact thresholds instead of taking N×M roots:
            // d > a ⟺ d² ≥ above(a) ⟺ d² > above(a).nextDown, and d < b ⟺ d² < atLeast(b).
            (d, computed) = (try inputs.valueMatrix(squared), squared)
            (farPositive, farNegative) = (SquaredDistanceThreshold.above(positiveMargin).nextDown,
                                          SquaredDistanceThreshold.atLeast(negativeMargin))
        } else {
            (d, computed) = (try inputs.valueMatrix(distance), distance)
        }
        let pairing = inputs.pairing
        let groups = SameLabelColumns(labels: labels, referenceLabels: refs)
        let (positiveBound, negativeBound) = (farPositive, farNegative)
        // A Euclidean matrix of the batch against itself is exactly symmetric (`DistanceMatrix`
        // mirrors it): each row is searched right of its diagonal only, half the matrix read,
        // and a negative (i, j) found there is also the negative (j, i).
        var symmetric = false
        if case .euclidean? = computed.kernel { symmetric = sign == 1 && inputs.referencesAreEmbeddings }
        let parts = d.storage.withUnsafeBufferPointer { matrix in
            nonisolated(unsafe) let matrix = matrix.baseAddress
            return parallelRanges(labels.count, work: labels.count * m * 4) { anchors -> ([IndexPair], [IndexPair]) in
                var positive: [IndexPair] = [], negative: [IndexPair] = []
                // At most every same-label column of each anchor: one allocation, no regrowth.
                positive.reserveCapacity(anchors.reduce(0) { $0 + groups.columns(of: $1).count })
                let farness = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                defer { farness.deallocate() }
                for i in anchors {
                    guard let matrix else { break }
                    let row = matrix + i * m
                    let own = pairing.selfReference(of: i)
                    // Negatives by vectorised search for f < bound. A distance row is searched
                    // as it is, and a hit of the anchor's own label or column skipped (hits are
                    // few below a margin); a similarity row is negated first, with those
                    // columns set beyond every bound.
                    let searched: UnsafePointer<Scalar>
                    if sign == 1 {
                        searched = row
                    } else {
                        groups.negativesRow(farness, from: row, count: m, sign: sign, anchor: i, own: own, excluded: .infinity)
                        searched = UnsafePointer(farness)
                    }
                    var start = symmetric ? i + 1 : 0
                    while start < m, let k = Reductions.firstIndex(searched + start, m - start, below: negativeBound) {
                        let j = start + k
                        if j != own && refs[j] != labels[i] { negative.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                        start = j + 1
                    }
                    // Positives from the label group, after the search: the row is in cache by
                    // now, where reading its scattered columns first waits on a miss for each.
                    // Left of a symmetric diagonal, the mirror entry: in a row searched before.
                    for j in groups.columns(of: i) where j != own {
                        let value = symmetric && j < i ? matrix[j * m + i] : row[j]
                        if sign * value > positiveBound { positive.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                    }
                }
                return (positive, negative)
            }
        }
        let positive = parts.flatMap(\.0), found = parts.flatMap(\.1)
        let negative = symmetric ? Self.withMirrors(found, count: labels.count) : found
        return inputs.mined(.pairs(positive: positive, negative: negative), from: (consume d).storage, of: computed)
    }

    /// The pairs (i, j), i < j, in order of anchor and then column, with their mirrors (j, i)
    /// among them: each anchor's columns left of it first, then those right of it, in order.
    static func withMirrors(_ upper: [IndexPair], count n: Int) -> [IndexPair] {
        guard !upper.isEmpty else { return [] }
        // start[a]: anchor a's first slot.
        var start = [Int](repeating: 0, count: n + 1)
        for pair in upper {
            start[Int(pair.anchor) + 1] += 1
            start[Int(pair.other) + 1] += 1
        }
        for a in 0..<n { start[a + 1] += start[a] }
        var out = [IndexPair](repeating: IndexPair(anchor: 0, other: 0), count: 2 * upper.count)
        // Mirrors first: (j, i) in order of i, as `upper` is ordered by anchor; then each
        // anchor's own pairs, after all of its mirrors.
        var next = start
        for pair in upper {
            out[next[Int(pair.other)]] = IndexPair(anchor: pair.other, other: pair.anchor)
            next[Int(pair.other)] += 1
        }
        for pair in upper {
            out[next[Int(pair.anchor)]] = pair
            next[Int(pair.anchor)] += 1
        }
        return out
    }
}
