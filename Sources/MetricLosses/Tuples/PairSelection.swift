import TensorCore

/// The pairs a ``PairLoss`` runs over: every pair of the batch against its references (no
/// tuples, as PML's `GenericPairLoss` pairs every anchor with every other row), or listed ones.
///
/// Every pair is never listed unless a loss asks (`pairs()`): losses that work row by row
/// read `pairing` instead, so a batch of 8,192 does not build a list of 67 million pairs.
public struct PairSelection: Sendable {
    /// Which references are each anchor's positives and negatives.
    public let pairing: ReferencePairing
    /// The listed pairs; nil when the selection is every pair.
    public let listed: (positive: [IndexPair], negative: [IndexPair])?
    /// The number of positive pairs (with repeats, when listed).
    public let positiveCount: Int
    /// The number of negative pairs (with repeats, when listed).
    public let negativeCount: Int
    /// Every pair, row by row (nil when listed).
    let rows: DenseRowPairs?

    /// The listed pairs of `tuples` (triplets give their pairs), or every pair of `pairing`.
    public init(_ tuples: MinedTuples?, pairing: ReferencePairing) {
        self.pairing = pairing
        if let tuples {
            let listed = tuples.asPairs()
            (self.listed, rows, positiveCount, negativeCount) = (listed, nil, listed.positive.count, listed.negative.count)
        } else {
            let rows = DenseRowPairs(pairing)
            (listed, self.rows, positiveCount, negativeCount) = (nil, rows, rows.positiveCount, rows.negativeCount)
        }
    }

    /// The anchors (N) and references (M).
    public var extents: (anchors: Int, references: Int) { (pairing.labels.count, pairing.referenceLabels.count) }

    /// The positive and negative pairs, listed (every pair anchor by anchor, references in order).
    public func pairs() -> (positive: [IndexPair], negative: [IndexPair]) {
        listed ?? pairing.allPairs().asPairs()
    }

    /// Row-major `[N, M]` masks of the positive and negative pairs (a pair listed more than
    /// once counts once), as PML's matrix-based pair losses build them.
    /// - Throws: `MetricLearningError.Kind.invalidTuples` for a pair listed as both positive
    ///   and negative (PML asserts each pair is either).
    public func masks() throws -> (positive: [Bool], negative: [Bool]) {
        let (n, m) = extents, pairs = pairs()
        var positive = [Bool](repeating: false, count: n * m), negative = positive
        for p in pairs.positive { positive[Int(p.anchor) * m + Int(p.other)] = true }
        for p in pairs.negative {
            guard !positive[Int(p.anchor) * m + Int(p.other)] else { throw Self.bothKinds(p.anchor, p.other) }
            negative[Int(p.anchor) * m + Int(p.other)] = true
        }
        return (positive, negative)
    }

    /// Each pair once, in row-major order, with its kind: the entries of ``masks()``
    /// without the `[N, M]` masks.
    /// - Throws: `MetricLearningError.Kind.invalidTuples` for a pair listed as both positive
    ///   and negative.
    public func distinctPairs() throws -> (pairs: [IndexPair], isPositive: [Bool]) {
        let m = extents.references, (positive, negative) = pairs()
        var keyed = positive.map { (key: Int($0.anchor) * m + Int($0.other), isPositive: true) }
            + negative.map { (key: Int($0.anchor) * m + Int($0.other), isPositive: false) }
        keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.isPositive && !$1.isPositive) }
        var pairs: [IndexPair] = [], isPositive: [Bool] = []
        for (t, entry) in keyed.enumerated() {
            if t > 0 && keyed[t - 1].key == entry.key {
                guard keyed[t - 1].isPositive == entry.isPositive else { throw Self.bothKinds(entry.key / m, entry.key % m) }
                continue
            }
            pairs.append(IndexPair(anchor: Int32(entry.key / m), other: Int32(entry.key % m)))
            isPositive.append(entry.isPositive)
        }
        return (pairs, isPositive)
    }

    /// The error for a pair listed as both positive and negative.
    static func bothKinds<I: BinaryInteger>(_ anchor: I, _ other: I) -> MetricLearningError {
        MetricLearningError(.invalidTuples, "pair (\(anchor), \(other)) is listed as both positive and negative")
    }
}
