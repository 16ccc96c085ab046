import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites and the PML case (`threshold_consistent_margin_default`) leave
/// out of `ThresholdConsistentMarginLoss`: references (where PML indexes the batch instead),
/// listed pairs with repeats, the selection at the margins, bad input.
@Suite("Threshold-consistent margin loss: references, listed pairs, margins, bad input")
struct ThresholdConsistentMarginLossTests {
    /// The batch of the reference-embedding suite (14 × 5, 4 classes).
    static let (x, labels) = (ReferenceEmbeddingTests.x, ReferenceEmbeddingTests.labels)

    /// The loss from its definition over listed similarities.
    static func definition(_ loss: ThresholdConsistentMarginLoss<Double>, positive: [Double], negative: [Double]) -> Double {
        let p = positive.filter { $0 <= loss.positiveMargin }, n = negative.filter { $0 >= loss.negativeMargin }
        let positiveMean = p.isEmpty ? 0 : p.reduce(0) { $0 + loss.positiveMargin - $1 } / Double(p.count)
        let negativeMean = n.isEmpty ? 0 : n.reduce(0) { $0 + $1 - loss.negativeMargin } / Double(n.count)
        return loss.positiveWeight * positiveMean + loss.negativeWeight * negativeMean
    }

    static let losses = [ThresholdConsistentMarginLoss<Double>(), ThresholdConsistentMarginLoss(positiveWeight: 0.5, negativeWeight: 2, positiveMargin: 0.3, negativeMargin: -0.2)]

    @Test func referencesAreComparedWithTheAnchors() throws {
        let refs: Tensor<Double> = randomMatrix(9, 5, seed: 52), refLabels = (0..<9).map { $0 % 4 }
        let s = try CosineSimilarity<Double>().matrix(Self.x, refs)
        for loss in Self.losses {
            var positive: [Double] = [], negative: [Double] = []
            for i in Self.labels.indices { for j in refLabels.indices {
                if refLabels[j] == Self.labels[i] { positive.append(s[i, j]) } else { negative.append(s[i, j]) }
            } }
            let r = try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels)
            expectClose([r.value], [Self.definition(loss, positive: positive, negative: negative)], atol: 1e-14, rtol: 1e-12)
            #expect(r.referencesGradient.scalars.contains { $0 != 0 })
        }
    }

    @Test func listedPairsKeepTheirRepeats() throws {
        let s = try CosineSimilarity<Double>().matrix(Self.x, Self.x)
        let positive = [IndexPair(anchor: 0, other: 3), IndexPair(anchor: 0, other: 3), IndexPair(anchor: 1, other: 4), IndexPair(anchor: 5, other: 2)]
        let negative = [IndexPair(anchor: 0, other: 1), IndexPair(anchor: 2, other: 7), IndexPair(anchor: 2, other: 7), IndexPair(anchor: 6, other: 4)]
        let values = { (pairs: [IndexPair]) in pairs.map { s[Int($0.anchor), Int($0.other)] } }
        for loss in Self.losses {
            let value = try loss.value(embeddings: Self.x, labels: Self.labels, tuples: .pairs(positive: positive, negative: negative))
            expectClose([value], [Self.definition(loss, positive: values(positive), negative: values(negative))], atol: 1e-14, rtol: 1e-12)
            // Triplets give their (a, p) and (a, n) pairs.
            let triplets = zip(positive, negative).map { IndexTriplet(anchor: $0.anchor, positive: $0.other, negative: $1.other) }
            let fromTriplets = try loss.value(embeddings: Self.x, labels: Self.labels, tuples: .triplets(triplets))
            let tripletNegatives = zip(positive, negative).map { IndexPair(anchor: $0.anchor, other: $1.other) }
            expectClose([fromTriplets], [Self.definition(loss, positive: values(positive), negative: values(tripletNegatives))], atol: 1e-14, rtol: 1e-12)
        }
    }

    /// A pair exactly at a margin is selected with term 0 and slope ∓λ/count, as PML's
    /// `s <= m⁺` and `s >= m⁻`; without a selected pair a side adds 0.
    @Test func pairsAtTheMarginsAreSelected() throws {
        let x = try Tensor<Double>(rows: [[1, 0], [1, 0], [0, 1], [0, 1]])
        let loss = ThresholdConsistentMarginLoss<Double>(positiveMargin: 1, negativeMargin: 0)
        let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: [0, 0, 1, 1])
        #expect(value == 0 && gradient.scalars.contains { $0 != 0 })
        let (none, noGradient) = try ThresholdConsistentMarginLoss<Double>(positiveMargin: 0.5, negativeMargin: 0.5).valueWithGradient(embeddings: x, labels: [0, 0, 1, 1])
        #expect(none == 0 && noGradient.scalars.allSatisfy { $0 == 0 })
    }

    @Test func badHyperparametersThrow() {
        let cases: [(String, ThresholdConsistentMarginLoss<Double>)] = [
            ("positiveWeight = -1", ThresholdConsistentMarginLoss(positiveWeight: -1)), ("negativeWeight = nan", ThresholdConsistentMarginLoss(negativeWeight: .nan)),
            ("positiveMargin = inf", ThresholdConsistentMarginLoss(positiveMargin: .infinity)),
            ("negativeMargin = nan", ThresholdConsistentMarginLoss(negativeMargin: .nan)),
            ("must be a similarity", ThresholdConsistentMarginLoss(distance: EuclideanDistance())),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
            }
        }
    }
}
