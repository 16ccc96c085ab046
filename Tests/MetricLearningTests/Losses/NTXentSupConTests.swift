import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites do not check of `NTXentLoss` and `SupConLoss`: their PML cases
/// by name, the listed-pair form against the row form, PML's formulas written out pair by
/// pair (repeats, anchors without negatives), the set semantics of SupCon's tuples, and
/// bad temperatures.
@Suite("NT-Xent and SupCon: PML cases, listed pairs, PML's formulas, bad temperatures")
struct NTXentSupConTests {
    static let caseNames = ["ntxent_default", "ntxent_t05", "ntxent_references", "ntxent_pair_margin_miner",
                            "supcon_default", "supcon_t05", "supcon_references"]

    @Test func pmlCasesMatch() {
        expectFixtureCasesMatch(Self.caseNames)
    }

    static let x: Tensor<Double> = randomMatrix(15, 6, seed: 91)
    static let labels = (0..<15).map { ($0 * 4) % 5 }
    static let references: Tensor<Double> = randomMatrix(11, 6, seed: 92)
    static let referenceLabels = (0..<11).map { $0 % 6 }

    static let losses: [(String, any MetricLoss<Double>)] = [
        ("ntxent", NTXentLoss(temperature: 0.2)), ("ntxent/euclidean", NTXentLoss(temperature: 0.5, distance: EuclideanDistance())),
        ("supcon", SupConLoss(temperature: 0.2)), ("supcon/euclidean", SupConLoss(temperature: 0.5, distance: EuclideanDistance())),
    ]

    /// Every pair listed equals the row form that never lists them, alone and against references.
    @Test func listedPairsEqualTheRowForm() throws {
        for (name, loss) in Self.losses {
            try expectListedPairsEqualRowForm(loss, name, x: Self.x, labels: Self.labels, references: Self.references, referenceLabels: Self.referenceLabels)
        }
    }

    /// The Gram path equals the matrix path of a separate copy, over several tiles and a partial one.
    @Test func gramPathEqualsMatrixPathOverSeveralTiles() throws {
        for loss in [NTXentLoss<Double>(temperature: 0.2), SupConLoss<Double>(temperature: 0.2)] as [any MetricLoss<Double>] {
            try expectGramPathEqualsMatrixPath(loss, "\(type(of: loss))")
        }
    }

    static func cosine(_ x: Tensor<Double>, _ i: Int, _ y: Tensor<Double>, _ j: Int) -> Double {
        let d = x.shape[1]
        let a = (0..<d).map { x[i, $0] }, b = (0..<d).map { y[j, $0] }
        let dot = zip(a, b).map(*).reduce(0, +)
        return dot / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
    }

    /// PML's NT-Xent pair by pair: every listed positive pair a term over every listed negative
    /// pair of its anchor (repeats kept), the mean of the terms.
    static func pmlNTXent(_ x: Tensor<Double>, positive: [IndexPair], negative: [IndexPair], tau: Double) -> Double {
        let terms = positive.map { p -> Double in
            let sap = cosine(x, Int(p.anchor), x, Int(p.other)) / tau
            let negatives = negative.filter { $0.anchor == p.anchor }.map { cosine(x, Int($0.anchor), x, Int($0.other)) / tau }
            let top = max(sap, negatives.max() ?? -.infinity)
            let numerator = exp(sap - top)
            return -log(numerator / (numerator + negatives.map { exp($0 - top) }.reduce(0, +)) + Double.leastNormalMagnitude)
        }
        return terms.reduce(0, +) / Double(terms.count)
    }

    /// PML's SupCon over masks: per anchor −mean over its positives of x_ap − ln Σ_{P ∪ N} e^x,
    /// the mean of the non-zero terms.
    static func pmlSupCon(_ x: Tensor<Double>, positive: Set<IndexPair>, negative: Set<IndexPair>, tau: Double) -> Double {
        let terms = (0..<x.shape[0]).map { a -> Double in
            let p = positive.filter { Int($0.anchor) == a }.map { cosine(x, a, x, Int($0.other)) / tau }
            let all = p + negative.filter { Int($0.anchor) == a }.map { cosine(x, a, x, Int($0.other)) / tau }
            guard !p.isEmpty else { return 0 }
            // Shifted by the largest (PML shifts by the row's): a lone positive's term is 0 exactly.
            let top = all.max()!
            let lse = top + log(all.map { exp($0 - top) }.reduce(0, +))
            return -p.map { $0 - lse }.reduce(0, +) / Double(p.count)
        }
        let positiveTerms = terms.filter { $0 > 0 }
        return positiveTerms.isEmpty ? 0 : positiveTerms.reduce(0, +) / Double(positiveTerms.count)
    }

    /// Repeated pairs, a pair of both kinds, and an anchor with positives but no negatives.
    static let positive = [(0, 5), (0, 5), (0, 10), (2, 7), (3, 8), (3, 13)].map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }
    static let negative = [(0, 1), (0, 1), (0, 2), (3, 4), (3, 9), (3, 2), (6, 1)].map { IndexPair(anchor: Int32($0.0), other: Int32($0.1)) }

    @Test func ntXentIsPMLsFormulaWithRepeatsAndAnchorsWithoutNegatives() throws {
        let loss = NTXentLoss<Double>(temperature: 0.3)
        let tuples = MinedTuples.pairs(positive: Self.positive, negative: Self.negative)
        let value = try loss.value(embeddings: Self.x, labels: Self.labels, tuples: tuples)
        expectClose([value], [Self.pmlNTXent(Self.x, positive: Self.positive, negative: Self.negative, tau: 0.3)], atol: 1e-12, rtol: 1e-10)
        // Triplets count as their pairs (a, p) and (a, n), repeats kept.
        let triplets = [IndexTriplet(anchor: 0, positive: 5, negative: 1), IndexTriplet(anchor: 0, positive: 10, negative: 1),
                        IndexTriplet(anchor: 3, positive: 8, negative: 2)]
        let (p, n) = MinedTuples.triplets(triplets).asPairs()
        expectClose([try loss.value(embeddings: Self.x, labels: Self.labels, tuples: .triplets(triplets))],
                    [Self.pmlNTXent(Self.x, positive: p, negative: n, tau: 0.3)], atol: 1e-12, rtol: 1e-10)
        // A pair listed as both kinds is both (PML's pair form does not check).
        let both = MinedTuples.pairs(positive: Self.positive, negative: Self.negative + [IndexPair(anchor: 0, other: 5)])
        expectClose([try loss.value(embeddings: Self.x, labels: Self.labels, tuples: both)],
                    [Self.pmlNTXent(Self.x, positive: Self.positive, negative: Self.negative + [IndexPair(anchor: 0, other: 5)], tau: 0.3)],
                    atol: 1e-12, rtol: 1e-10)
    }

    @Test func supConCountsEachPairOnceAndRefusesPairsOfBothKinds() throws {
        let loss = SupConLoss<Double>(temperature: 0.3)
        let repeated = MinedTuples.pairs(positive: Self.positive, negative: Self.negative)
        let once = MinedTuples.pairs(positive: Array(Set(Self.positive)).shuffled(), negative: Array(Set(Self.negative)))
        let (a, ga) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: repeated)
        let (b, gb) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: once)
        expectClose([a], [b], atol: 1e-14, rtol: 1e-12)
        expectClose(ga.scalars, gb.scalars, atol: 1e-14, rtol: 1e-12)
        expectClose([a], [Self.pmlSupCon(Self.x, positive: Set(Self.positive), negative: Set(Self.negative), tau: 0.3)], atol: 1e-12, rtol: 1e-10)
        DegenerateAndBadInputTests.expectError(.invalidTuples, mentioning: "(0, 5)") {
            _ = try loss.value(embeddings: Self.x, labels: Self.labels,
                               tuples: .pairs(positive: Self.positive, negative: Self.negative + [IndexPair(anchor: 0, other: 5)]))
        }
    }

    /// PML's `GenericPairLoss` computes nothing from one positive and one negative pair.
    @Test func onePairOfEachKindIsNoLoss() throws {
        let tuples = MinedTuples.pairs(positive: [IndexPair(anchor: 0, other: 5)], negative: [IndexPair(anchor: 0, other: 1)])
        for (name, loss) in Self.losses {
            let (value, gradient) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: tuples)
            #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 }, "\(name)")
        }
    }

    @Test func badTemperaturesThrow() {
        for temperature in [0, -0.5, .nan, .infinity, -.infinity, Double.leastNonzeroMagnitude] {
            let losses: [any MetricLoss<Double>] = [NTXentLoss(temperature: temperature), SupConLoss(temperature: temperature)]
            for loss in losses {
                DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: "temperature = \(temperature)") {
                    _ = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
                }
            }
        }
    }
}
