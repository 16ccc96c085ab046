import Testing
import MetricLearning

/// `ReferencePairing.allPairs()` lists every pair as the obvious double loop does: anchor by
/// anchor, references in order, the anchor's own row (where the references hold it) skipped.
@Suite("Every pair of a batch against its references")
struct ReferencePairingTests {
    static func listed(_ labels: [Int], _ referenceLabels: [Int], _ selfOffset: Int?) -> MinedTuples {
        var positive: [IndexPair] = [], negative: [IndexPair] = []
        for i in labels.indices {
            for j in referenceLabels.indices where j != selfOffset.map({ $0 + i }) {
                let pair = IndexPair(anchor: Int32(i), other: Int32(j))
                if labels[i] == referenceLabels[j] { positive.append(pair) } else { negative.append(pair) }
            }
        }
        return .pairs(positive: positive, negative: negative)
    }

    @Test(arguments: [nil, 0, 2, 5] as [Int?])
    func allPairsIsTheDoubleLoop(selfOffset: Int?) {
        var generator = SeededRandomGenerator(seed: 31)
        for (n, m, classes) in [(0, 4, 2), (4, 0, 2), (6, 11, 3), (9, 9, 1), (7, 12, 40), (1, 1, 1)] {
            let labels = (0..<n).map { _ in generator.nextIndex(below: classes) }
            let referenceLabels = (0..<m).map { _ in generator.nextIndex(below: classes) }
            // Offsets that put part of the batch past the references are listed as the loop lists them.
            let pairing = ReferencePairing(labels: labels, referenceLabels: referenceLabels, selfOffset: selfOffset)
            #expect(pairing.allPairs() == Self.listed(labels, referenceLabels, selfOffset), "n \(n), m \(m), offset \(String(describing: selfOffset))")
        }
        // One class: no negative pair; every anchor its own class: no positive pair.
        #expect(MinedTuples.allPairs(labels: [3, 3, 3]).asPairs().negative.isEmpty)
        #expect(MinedTuples.allPairs(labels: [0, 1, 2]).asPairs().positive.isEmpty)
        #expect(MinedTuples.allPairs(labels: [0, 1, 2]).count == 6)
    }
}
