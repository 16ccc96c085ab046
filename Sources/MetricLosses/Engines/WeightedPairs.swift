import TensorCore

/// The distinct (anchor, positive) and (anchor, negative) pairs of a set of triplets, each
/// with the number of triplets it appears in, in order of first appearance.
///
/// Losses whose triplet terms split into a positive-pair and a negative-pair part (the
/// margin loss) sum over these O(N²) pairs instead of the O(N³) triplets.
struct WeightedPairs<Scalar: TensorScalar> {
    var positive = PairColumns([])
    var negative = PairColumns([])
    var positiveWeights: [Scalar] = []
    var negativeWeights: [Scalar] = []

    /// From mined tuples (converted to triplets), or from all triplets of `pairing` when nil.
    static func of(_ tuples: MinedTuples?, pairing: ReferencePairing) -> WeightedPairs {
        guard let tuples else { return WeightedPairs(allTripletsOf: pairing) }
        return WeightedPairs(triplets: tuples.asTriplets())
    }

    /// Distinct pairs of explicit triplets, counted.
    private init(triplets: [IndexTriplet]) {
        var positiveSlot: [IndexPair: Int] = [:], negativeSlot: [IndexPair: Int] = [:]
        for t in triplets {
            let p = IndexPair(anchor: t.anchor, other: t.positive), n = IndexPair(anchor: t.anchor, other: t.negative)
            if let slot = positiveSlot[p] { positiveWeights[slot] += 1 } else {
                positiveSlot[p] = positiveWeights.count
                positive.append(p)
                positiveWeights.append(1)
            }
            if let slot = negativeSlot[n] { negativeWeights[slot] += 1 } else {
                negativeSlot[n] = negativeWeights.count
                negative.append(n)
                negativeWeights.append(1)
            }
        }
    }

    /// Every triplet (a, p, n): pair (a, p) appears once per negative of a, (a, n) once per positive.
    private init(allTripletsOf pairing: ReferencePairing) {
        let groups = LabelGroups(pairing.referenceLabels)
        for a in pairing.labels.indices {
            let own = pairing.selfReference(of: a)
            let positives = groups.members(of: pairing.labels[a]).filter { $0 != own }
            let negatives = pairing.referenceLabels.indices.filter { pairing.referenceLabels[$0] != pairing.labels[a] }
            guard !positives.isEmpty, !negatives.isEmpty else { continue }
            for p in positives {
                positive.append(IndexPair(anchor: Int32(a), other: Int32(p)))
                positiveWeights.append(Scalar(negatives.count))
            }
            for n in negatives {
                negative.append(IndexPair(anchor: Int32(a), other: Int32(n)))
                negativeWeights.append(Scalar(positives.count))
            }
        }
    }
}
