import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites do not check of the lifted structure, generalized lifted
/// structure, tuplet margin, SNR contrastive and intra-pair variance losses: their PML cases
/// by name, the generalized loss's listed form and Gram path against its row form, PML's
/// pair-based formulas written out with a positive × negative mask (repeats, references,
/// anchors without negatives), and bad hyperparameters.
@Suite("Lifted structure, tuplet margin and friends: PML cases, listed pairs, PML's formulas")
struct LiftedTupletTests {
    static let caseNames = ["lifted_structure_default", "generalized_lifted_structure_default", "generalized_lifted_structure_margins",
                            "tuplet_margin_default", "snr_contrastive_default", "snr_contrastive_margins", "intra_pair_variance_default"]

    @Test func pmlCasesMatch() {
        expectFixtureCasesMatch(Self.caseNames)
    }

    static let x: Tensor<Double> = randomMatrix(15, 6, seed: 71)
    static let labels = (0..<15).map { ($0 * 4) % 5 }
    static let references: Tensor<Double> = randomMatrix(11, 6, seed: 72)
    static let referenceLabels = (0..<11).map { $0 % 6 }

    static let generalized: [(String, GeneralizedLiftedStructureLoss<Double>)] = [
        ("euclidean", GeneralizedLiftedStructureLoss(negativeMargin: 1.2, positiveMargin: 0.1)),
        ("cosine", GeneralizedLiftedStructureLoss(negativeMargin: 0.3, positiveMargin: 0.7, distance: CosineSimilarity())),
    ]

    /// Every pair listed equals the row form that never lists them, alone and against
    /// references; a batch against itself (the rows computed in the buffer of the Gram
    /// matrix, or of the distances with the gradient taken for d²) equals a separate copy.
    @Test func generalizedListedPairsAndOwnBufferPathsEqualTheRowForm() throws {
        for (name, loss) in Self.generalized {
            try expectListedPairsEqualRowForm(loss, name, x: Self.x, labels: Self.labels, references: Self.references, referenceLabels: Self.referenceLabels)
            try expectGramPathEqualsMatrixPath(loss, name)
        }
    }

    static func row(_ t: Tensor<Double>, _ i: Int) -> [Double] {
        let v = (0..<t.shape[1]).map { t[i, $0] }
        let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
        return v.map { $0 / norm }
    }

    static func distance(_ i: Int, _ j: Int) -> Double {
        zip(row(x, i), row(references, j)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    static func cosine(_ i: Int, _ j: Int) -> Double { zip(row(x, i), row(references, j)).map(*).reduce(0, +) }

    static func logSumExp(_ v: [Double]) -> Double {
        guard let top = v.max() else { return 0 }
        return top + log(v.map { exp($0 - top) }.reduce(0, +))
    }

    /// PML's lifted structure loss as written: per positive pair (a, p), the negative pairs
    /// whose anchor index equals a or p (a P × Q mask), the mean of the terms.
    static func pmlLifted(positive: [IndexPair], negative: [IndexPair], negativeMargin: Double, positiveMargin: Double) -> Double {
        let terms = positive.map { pair -> Double in
            let kept = negative.filter { $0.anchor == pair.anchor || $0.anchor == pair.other }
            let z = logSumExp(kept.map { negativeMargin - distance(Int($0.anchor), Int($0.other)) })
                + distance(Int(pair.anchor), Int(pair.other)) - positiveMargin
            return max(z, 0) * max(z, 0) / 2
        }
        return terms.reduce(0, +) / Double(terms.count)
    }

    /// PML's tuplet margin loss as written: per positive pair, ln(1 + Σ e^(s(s_an − cos(θ_ap − β))))
    /// over the negative pairs of its anchor, the mean of the terms.
    static func pmlTuplet(positive: [IndexPair], negative: [IndexPair], marginDegrees: Double, scale: Double) -> Double {
        let terms = positive.map { pair -> Double in
            let shifted = cos(acos(cosine(Int(pair.anchor), Int(pair.other))) - marginDegrees * .pi / 180)
            let kept = negative.filter { $0.anchor == pair.anchor }
            return kept.isEmpty ? 0 : logSumExp(kept.map { scale * (cosine(Int($0.anchor), Int($0.other)) - shifted) } + [0])
        }
        return terms.reduce(0, +) / Double(terms.count)
    }

    /// Repeated pairs, a positive whose reference index is also an anchor with negatives
    /// (lifted reads it), a positive whose anchor has no negatives.
    static let positive = [(0, 5), (0, 5), (0, 10), (2, 7), (3, 8), (3, 2), (9, 4)].map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }
    static let negative = [(0, 1), (0, 1), (0, 2), (3, 4), (3, 9), (5, 6), (8, 3), (2, 1)].map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }

    func inputs(_ v: [Variable<Double>]) -> BatchInputs<Double> {
        BatchInputs(embeddings: v[0], labels: Self.labels, references: v[1], referenceLabels: Self.referenceLabels)
    }

    @Test func liftedAndTupletArePMLsFormulasWithRepeatsAndReferences() throws {
        let tuples = MinedTuples.pairs(positive: Self.positive, negative: Self.negative)
        let lifted = LiftedStructureLoss<Double>(negativeMargin: 1.1, positiveMargin: 0.2)
        let tuplet = TupletMarginLoss<Double>(marginDegrees: 10, scale: 4)
        let cases: [(String, any MetricLoss<Double>, Double)] = [
            ("lifted", lifted, Self.pmlLifted(positive: Self.positive, negative: Self.negative, negativeMargin: 1.1, positiveMargin: 0.2)),
            ("tuplet", tuplet, Self.pmlTuplet(positive: Self.positive, negative: Self.negative, marginDegrees: 10, scale: 4)),
        ]
        for (name, loss, expected) in cases {
            let value = try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: Self.references,
                                                    referenceLabels: Self.referenceLabels, tuples: tuples).value
            expectClose([value], [expected], atol: 1e-12, rtol: 1e-10, name)
            try expectGradientsMatch([Self.x, Self.references]) { v in try loss(inputs(v), tuples: tuples) }
        }
    }

    /// The lifted and tuplet terms over every pair equal PML's formulas over every pair.
    @Test func liftedAndTupletOverEveryPair() throws {
        let pairing = ReferencePairing(labels: Self.labels, referenceLabels: Self.referenceLabels, selfOffset: nil)
        let (positive, negative) = pairing.allPairs().asPairs()
        let lifted = try LiftedStructureLoss<Double>().valueWithGradients(embeddings: Self.x, labels: Self.labels, references: Self.references,
                                                                           referenceLabels: Self.referenceLabels).value
        expectClose([lifted], [Self.pmlLifted(positive: positive, negative: negative, negativeMargin: 1, positiveMargin: 0)],
                    atol: 1e-12, rtol: 1e-10, "lifted")
        let tuplet = try TupletMarginLoss<Double>().valueWithGradients(embeddings: Self.x, labels: Self.labels, references: Self.references,
                                                                        referenceLabels: Self.referenceLabels).value
        expectClose([tuplet], [Self.pmlTuplet(positive: positive, negative: negative, marginDegrees: 5.73, scale: 64)],
                    atol: 1e-12, rtol: 1e-10, "tuplet")
    }

    @Test func badHyperparametersThrow() {
        let bad: [(any MetricLoss<Double>, String)] = [
            (LiftedStructureLoss(negativeMargin: .nan), "negativeMargin = nan"),
            (GeneralizedLiftedStructureLoss(positiveMargin: .infinity), "positiveMargin = inf"),
            (TupletMarginLoss(scale: 0), "scale = 0"),
            (TupletMarginLoss(marginDegrees: -.infinity), "marginDegrees = -inf"),
            (TupletMarginLoss(distance: EuclideanDistance()), "similarity"),
            (IntraPairVarianceLoss(negativeEpsilon: .nan), "negativeEpsilon = nan"),
            (SignalToNoiseRatioContrastiveLoss(positiveMargin: .nan, distance: EuclideanDistance()), "positiveMargin = nan"),
        ]
        for (loss, text) in bad {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: text) {
                _ = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
            }
        }
    }
}
