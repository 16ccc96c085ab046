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
        let computed: any Distance<Scalar>
        if let squared = SquaredDistanceThreshold.squaredForm(of: distance) {
            // Compare squared distances with exact thresholds instead of taking N×M roots:
            // d > a ⟺ d² ≥ above(a) ⟺ d² > above(a).nextDown, and d < b ⟺ d² < atLeast(b).
            computed = squared
            (farPositive, farNegative) = (SquaredDistanceThreshold.above(positiveMargin).nextDown,
                                          SquaredDistanceThreshold.atLeast(negativeMargin))
        } else {
            computed = distance
        }
        let pairing = inputs.pairing
        let groups = SameLabelColumns(labels: labels, referenceLabels: refs)
        let (positiveBound, negativeBound) = (farPositive, farNegative)
        // A Euclidean matrix of the batch against itself is exactly symmetric (`DistanceMatrix`
        // mirrors it): its pairs are selected from its upper triangle while it is computed, on
        // each part as it is done (`UpperTrianglePairs`), and a pair (i, j) kept there is also
        // the pair (j, i). The library's own Euclidean distance hands over the computed matrix
        // as it is, so its lower triangle, which the selection never reads, is written only if
        // the loss reads it.
        var d: Tensor<Scalar>
        if case .euclidean? = computed.kernel, sign == 1, inputs.referencesAreEmbeddings {
            let upper = UpperTrianglePairs(labels: labels, groups: groups, positiveBound: positiveBound, negativeBound: negativeBound)
            let visit = upper.makeVisit(leavingLowerTriangle: computed is EuclideanDistance<Scalar>)
            d = try DistanceMatrixVisit.$current.withValue(visit) { try inputs.valueMatrix(computed) }
            let lowerTriangleLeftOut = visit.leftOutLowerTriangle(of: d.storage)
            if visit.covered {
                let (positive, negative) = upper.pairs()
                return inputs.mined(.pairs(positive: positive, negative: negative), from: (consume d).storage, of: computed,
                                    lowerTriangleLeftOut: lowerTriangleLeftOut)
            }
            // Not seen whole (the distance computed it another way): whole rows are searched
            // below, a lower triangle left out written first.
            if lowerTriangleLeftOut { DistanceMatrix.mirrorUpperTriangle(&d.storage, count: labels.count) }
        } else {
            d = try inputs.valueMatrix(computed)
        }
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
                    var start = 0
                    while start < m, let k = Reductions.firstIndex(searched + start, m - start, below: negativeBound) {
                        let j = start + k
                        if j != own && refs[j] != labels[i] { negative.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                        start = j + 1
                    }
                    // Positives from the label group, after the search: the row is in cache by
                    // now, where reading its scattered columns first waits on a miss for each.
                    for j in groups.columns(of: i) where j != own && sign * row[j] > positiveBound {
                        positive.append(IndexPair(anchor: Int32(i), other: Int32(j)))
                    }
                }
                return (positive, negative)
            }
        }
        let (positive, negative) = (parts.flatMap(\.0), parts.flatMap(\.1))
        return inputs.mined(.pairs(positive: positive, negative: negative), from: (consume d).storage, of: computed)
    }
}
