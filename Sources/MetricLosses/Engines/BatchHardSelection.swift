import TensorCore

/// Per anchor, the farthest positive and the nearest negative (PML's batch-hard rule).
@usableFromInline enum BatchHardSelection {
    /// One triplet per anchor that has both a positive and a negative; ties go to the
    /// lowest index; an anchor is never its own positive. "Farthest" and "nearest" follow `isSimilarity`.
    ///
    /// With `squaredDistances` the matrix holds squared Euclidean distances and the choice is
    /// the one the distances themselves would give, ties included: an earlier index whose
    /// square root equals the chosen one's wins (decided with exact thresholds, no roots).
    ///
    /// Positives come from the anchor's label group; negatives from vectorised passes over a
    /// copy of the row with the group left out (a minimum, then the first index that attains
    /// it).
    ///
    /// - Complexity: O(N·M) over an `[N, M]` matrix, O(M) scratch per thread.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func triplets<Scalar: TensorScalar>(
        _ matrix: Tensor<Scalar>, pairing: ReferencePairing, isSimilarity: Bool, squaredDistances: Bool = false
    ) -> [IndexTriplet] {
        let m = pairing.referenceLabels.count
        let groups = SameLabelColumns(labels: pairing.labels, referenceLabels: pairing.referenceLabels)
        // Work in "farness" f (distance, or negated similarity): the hardest positive has the
        // largest f, the hardest negative the smallest.
        let sign: Scalar = isSimilarity ? -1 : 1
        let parts = matrix.storage.withUnsafeBufferPointer { d in
            nonisolated(unsafe) let d = d.baseAddress
            return parallelRanges(pairing.labels.count, work: pairing.labels.count * m * 4) { anchors -> [IndexTriplet] in
                var out: [IndexTriplet] = []
                let farness = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                defer { farness.deallocate() }
                for a in anchors {
                    guard let d else { break }
                    let row = d + a * m
                    let own = pairing.selfReference(of: a)
                    let members = groups.columns(of: a)
                    // The nearest negative: the least farness outside the label group. First,
                    // as its copy of the row brings the row into cache for the positives.
                    groups.negativesRow(farness, from: row, count: m, sign: sign, anchor: a, own: own, excluded: .infinity)
                    let nearest = Reductions.minimum(farness, m, atMost: .infinity)
                    // The farthest positive, first index on ties.
                    var positive = -1, farthest = -Scalar.infinity
                    for j in members where j != own && (positive < 0 || sign * row[j] > farthest) {
                        (positive, farthest) = (j, sign * row[j])
                    }
                    guard positive >= 0, nearest < .infinity else { continue }
                    if squaredDistances {
                        let bound = SquaredDistanceThreshold.atLeast(farthest.squareRoot())
                        positive = members.first { $0 != own && row[$0] >= bound } ?? positive
                    }
                    let bound = squaredDistances ? SquaredDistanceThreshold.above(nearest.squareRoot()) : nearest.nextUp
                    guard let negative = Reductions.firstIndex(farness, m, below: bound) else { continue }
                    out.append(IndexTriplet(anchor: Int32(a), positive: Int32(positive), negative: Int32(negative)))
                }
                return out
            }
        }
        return parts.flatMap { $0 }
    }
}
