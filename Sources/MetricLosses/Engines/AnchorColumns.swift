import TensorCore

/// Each anchor's positive and negative reference columns, each column once, in increasing
/// order: every pair of the pairing, or the listed pairs of a ``PairSelection``.
///
/// For losses that work anchor by anchor over its own positives and negatives (PNP, and the
/// triplets of every positive with every negative): the dense case reads the labels row by
/// row and lists no pair.
@usableFromInline struct AnchorColumns: Sendable {
    @usableFromInline let pairing: ReferencePairing
    /// Listed pairs, each once, by anchor: anchor i's are entries `start[i]..<start[i + 1]`.
    @usableFromInline let listed: (start: [Int], columns: [Int], isPositive: [Bool])?

    /// The columns of `pairs`. - Throws: `MetricLearningError.Kind.invalidTuples` for a
    /// pair listed as both positive and negative.
    @usableFromInline init(_ pairs: PairSelection) throws {
        pairing = pairs.pairing
        guard pairs.listed != nil else {
            listed = nil
            return
        }
        let (distinct, isPositive) = try pairs.distinctPairs()
        var start = [Int](repeating: 0, count: pairs.extents.anchors + 1)
        for pair in distinct { start[Int(pair.anchor) + 1] += 1 }
        for i in 0..<pairs.extents.anchors { start[i + 1] += start[i] }
        listed = (start, distinct.map { Int($0.other) }, isPositive)
    }

    /// Anchor i's positive and negative columns.
    /// - Complexity: O(M) for every pair, O(pairs of i) for listed ones.
    @usableFromInline func columns(of i: Int) -> (positives: [Int], negatives: [Int]) {
        var positives: [Int] = [], negatives: [Int] = []
        if let listed {
            for t in listed.start[i]..<listed.start[i + 1] {
                if listed.isPositive[t] { positives.append(listed.columns[t]) } else { negatives.append(listed.columns[t]) }
            }
            return (positives, negatives)
        }
        let own = pairing.selfReference(of: i), label = pairing.labels[i]
        for (j, other) in pairing.referenceLabels.enumerated() where j != own {
            if other == label { positives.append(j) } else { negatives.append(j) }
        }
        return (positives, negatives)
    }
}
