import TensorCore

/// Which (anchor, reference) index pairs exist: anchors are the N batch rows, references
/// the M reference rows, and anchor i never meets its own copy `selfOffset + i`.
///
/// The pairing every loss and miner of the library uses; a loss written outside the
/// package uses it too (`BatchInputs.pairing`), and so runs under `CrossBatchMemory` and
/// against gathered embeddings: positives are references with the anchor's label other
/// than its own copy, negatives references with another label.
public struct ReferencePairing: Sendable {
    /// The anchors' labels.
    public let labels: [Int]
    /// The references' labels.
    public let referenceLabels: [Int]
    /// The reference row of anchor 0's own copy, if the references contain the batch.
    public let selfOffset: Int?

    /// Creates the pairing.
    public init(labels: [Int], referenceLabels: [Int], selfOffset: Int?) {
        (self.labels, self.referenceLabels, self.selfOffset) = (labels, referenceLabels, selfOffset)
    }

    /// Anchor `i`'s own row among the references, if it has one.
    @inlinable public func selfReference(of i: Int) -> Int? { selfOffset.map { $0 + i } }

    /// Every positive pair (same label) and negative pair, anchor by anchor, references in order.
    ///
    /// - Complexity: O(N·M); each list is counted, then written in place (no growth).
    public func allPairs() -> MinedTuples {
        var labelCounts: [Int: Int] = [:]
        for label in referenceLabels { labelCounts[label, default: 0] += 1 }
        var positiveCount = 0, total = 0
        for i in labels.indices {
            // The anchor's own row is skipped only where it lies among the references.
            let own = selfReference(of: i).flatMap { referenceLabels.indices.contains($0) ? $0 : nil }
            positiveCount += (labelCounts[labels[i]] ?? 0) - (own.map { referenceLabels[$0] == labels[i] ? 1 : 0 } ?? 0)
            total += referenceLabels.count - (own == nil ? 0 : 1)
        }
        // The pairs (i, j), j ≠ i's own row, whose labels agree (or differ), in order.
        func pairs(_ count: Int, sameLabel: Bool) -> [IndexPair] {
            [IndexPair](uninitializedCount: count) { out in
                var k = 0
                for i in labels.indices {
                    let (own, label) = (selfReference(of: i), labels[i])
                    for j in referenceLabels.indices where j != own && (label == referenceLabels[j]) == sameLabel {
                        out.initializeElement(at: k, to: IndexPair(anchor: Int32(i), other: Int32(j)))
                        k += 1
                    }
                }
            }
        }
        let (positive, negative) = (pairs(positiveCount, sameLabel: true), pairs(total - positiveCount, sameLabel: false))
        return .pairs(positive: positive, negative: negative)
    }

    /// Every positive pair, as `allPairs()` lists them, and whether any negative pair exists —
    /// for losses that take their negatives from the labels instead of a pair list.
    public func positivePairs() -> (positive: [IndexPair], hasNegative: Bool) {
        var positive: [IndexPair] = []
        let groups = LabelGroups(referenceLabels)
        for i in labels.indices {
            let own = selfReference(of: i)
            for j in groups.members(of: labels[i]) where j != own { positive.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
        }
        let first = referenceLabels.first
        let hasNegative = !labels.isEmpty && (referenceLabels.contains { $0 != first } || labels.contains { $0 != first && first != nil })
        return (positive, hasNegative)
    }

    /// Every triplet (a, p, n): p a reference with a's label other than a itself, n one with another label.
    public func allTriplets() -> MinedTuples {
        var triplets: [IndexTriplet] = []
        let groups = LabelGroups(referenceLabels)
        for a in labels.indices {
            let own = selfReference(of: a)
            let negatives = referenceLabels.indices.filter { referenceLabels[$0] != labels[a] }
            for p in groups.members(of: labels[a]) where p != own {
                for n in negatives {
                    triplets.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(n)))
                }
            }
        }
        return .triplets(triplets)
    }
}
