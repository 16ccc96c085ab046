import TensorCore

/// The pairs or triplets a miner chose, which a loss computes its terms over.
///
/// Every loss accepts either kind and converts as pytorch-metric-learning does:
/// triplets give their anchor–positive and anchor–negative pairs (repeats kept), and
/// a positive and a negative pair that share an anchor form a triplet.
public enum MinedTuples: Sendable, Equatable {
    /// Positive pairs (same label) and negative pairs (different labels).
    case pairs(positive: [IndexPair], negative: [IndexPair])
    /// (anchor, positive, negative) triplets.
    case triplets([IndexTriplet])

    /// The number of pairs or triplets.
    public var count: Int {
        switch self {
        case .pairs(let p, let n): return p.count + n.count
        case .triplets(let t): return t.count
        }
    }

    /// True when there is nothing to compute a term over.
    public var isEmpty: Bool { count == 0 }

    /// Every positive pair (i, j), i ≠ j, and every negative pair, in row-major order.
    ///
    /// - Complexity: O(N²).
    public static func allPairs(labels: [Int]) -> MinedTuples {
        ReferencePairing(labels: labels, referenceLabels: labels, selfOffset: 0).allPairs()
    }

    /// Every triplet (a, p, n) with a ≠ p, labels[a] = labels[p] ≠ labels[n], in lexicographic order.
    ///
    /// - Complexity: O(N³) time and output; mining paths that avoid it exist for large batches.
    public static func allTriplets(labels: [Int]) -> MinedTuples {
        ReferencePairing(labels: labels, referenceLabels: labels, selfOffset: 0).allTriplets()
    }

    /// The tuples as triplets: pairs sharing an anchor are combined (positive-pair order
    /// first, then negative-pair order), as PML's `convert_to_triplets`.
    public func asTriplets() -> [IndexTriplet] {
        switch self {
        case .triplets(let t):
            return t
        case .pairs(let positive, let negative):
            var negativesOf: [Int32: [Int32]] = [:]
            for pair in negative { negativesOf[pair.anchor, default: []].append(pair.other) }
            var out: [IndexTriplet] = []
            for pair in positive {
                for n in negativesOf[pair.anchor] ?? [] {
                    out.append(IndexTriplet(anchor: pair.anchor, positive: pair.other, negative: n))
                }
            }
            return out
        }
    }

    /// The tuples as pairs: each triplet gives (a, p) and (a, n), repeats kept, as PML's
    /// `convert_to_pairs`.
    public func asPairs() -> (positive: [IndexPair], negative: [IndexPair]) {
        switch self {
        case .pairs(let p, let n):
            return (p, n)
        case .triplets(let t):
            return (t.map { IndexPair(anchor: $0.anchor, other: $0.positive) },
                    t.map { IndexPair(anchor: $0.anchor, other: $0.negative) })
        }
    }

    /// Throws unless every index lies in `0..<batchSize` (anchors) and `0..<referenceCount` (others).
    public func validate(batchSize: Int, referenceCount: Int) throws {
        func check(_ value: Int32, _ limit: Int, _ role: String) throws {
            guard value >= 0 && Int(value) < limit else {
                throw MetricLearningError(.invalidTuples, "mined \(role) index \(value) is outside 0..<\(limit)")
            }
        }
        switch self {
        case .pairs(let p, let n):
            // The largest and least indices first, in one pass without branches; the
            // offending pair is looked for only when one is out of range.
            var (low, highAnchor, highOther) = (Int32(0), Int32(-1), Int32(-1))
            for list in [p, n] {
                for pair in list {
                    low = Swift.min(low, Swift.min(pair.anchor, pair.other))
                    (highAnchor, highOther) = (Swift.max(highAnchor, pair.anchor), Swift.max(highOther, pair.other))
                }
            }
            guard low < 0 || Int(highAnchor) >= batchSize || Int(highOther) >= referenceCount else { return }
            for list in [p, n] {
                for pair in list {
                    try check(pair.anchor, batchSize, "anchor")
                    try check(pair.other, referenceCount, "pair")
                }
            }
        case .triplets(let t):
            for triplet in t {
                try check(triplet.anchor, batchSize, "anchor")
                try check(triplet.positive, referenceCount, "positive")
                try check(triplet.negative, referenceCount, "negative")
            }
        }
    }
}
