import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites and the PML cases (`pnp_*` of `catalogue_pairs.json`) leave out
/// of `PNPLoss`: PML's variant names, each penalty against its formula, the extensions PML
/// lacks (listed pairs, references) against the definition, degenerate batches, bad input.
@Suite("PNP loss: variants, listed pairs, references, bad input")
struct PNPLossTests {
    /// The batch of the reference-embedding suite (14 × 5, 4 classes).
    static let (x, labels) = (ReferenceEmbeddingTests.x, ReferenceEmbeddingTests.labels)

    @Test func variantsByPMLName() {
        typealias V = PNPLoss<Double>.Variant
        #expect(V(pmlName: "O") == .original && V(pmlName: "Ds") == .decreasingLogarithm && V(pmlName: "Iu") == .increasingUnbounded)
        #expect(V(pmlName: "Dq", alpha: 3) == .decreasingPower(alpha: 3) && V(pmlName: "Ib", b: 5) == .increasingBounded(b: 5))
        #expect(V(pmlName: "Dq") == .decreasingPower(alpha: 1) && V(pmlName: "Ib") == .increasingBounded(b: 2))
        #expect(V(pmlName: "dq") == nil && V(pmlName: "Ds ") == nil)
        #expect(PNPLoss<Double>().variant == .original && PNPLoss<Double>().temperature == 0.01)
    }

    @Test func penaltiesAreTheirFormulasWithTheirDerivatives() {
        let variants: [(PNPLoss<Double>.Variant, (Double) -> Double)] = [
            (.original, { $0 }), (.decreasingLogarithm, { Double.log(1 + $0) }), (.decreasingPower(alpha: 1.5), { -Double.pow(1 + $0, -1.5) }),
            (.increasingUnbounded, { (1 + $0) * Double.log(1 + $0) }), (.increasingBounded(b: 2), { (2 * $0 - Double.log(1 + 2 * $0)) / 4 }),
        ]
        for (variant, f) in variants {
            for r in [0.01, 0.3, 1, 4.5, 30] {
                let (value, slope) = variant.penalty(r)
                let h = 1e-6
                expectClose([value], [f(r)], atol: 1e-14, rtol: 1e-12, "\(variant) at \(r)")
                expectClose([slope], [(f(r + h) - f(r - h)) / (2 * h)], atol: 1e-8, rtol: 1e-6, "\(variant)′ at \(r)")
            }
        }
    }

    /// The loss from its definition, in plain loops: anchors against references, the self
    /// term from each anchor's cosine with itself.
    static func definition(_ loss: PNPLoss<Double>, _ x: Tensor<Double>, _ labels: [Int], _ refs: Tensor<Double>, _ refLabels: [Int],
                           positives: (Int, Int) -> Bool, negatives: (Int, Int) -> Bool) throws -> Double {
        let s = try CosineSimilarity<Double>().matrix(x, refs), own = try CosineSimilarity<Double>().matrix(x, x)
        var total = 0.0, anchors = 0
        for i in labels.indices {
            let p = refLabels.indices.filter { positives(i, $0) }, n = refLabels.indices.filter { negatives(i, $0) }
            guard !p.isEmpty else { continue }
            func rank(_ value: Double) -> Double {
                n.reduce(0) { $0 + 1 / (1 + Double.exp(Swift.min(Swift.max(-(s[i, $1] - value) / loss.temperature, -50), 50))) }
            }
            let ranks = p.map { rank(s[i, $0]) } + [rank(own[i, i])]
            total += ranks.reduce(0) { $0 + loss.variant.penalty($1).value } / Double(ranks.count)
            anchors += 1
        }
        guard anchors > 0 else { return 0 }
        if case .decreasingPower = loss.variant { return 1 + total / Double(anchors) }
        return total / Double(anchors)
    }

    static let losses: [PNPLoss<Double>] = [PNPLoss(), PNPLoss(variant: .decreasingPower(alpha: 2), temperature: 0.2),
                                             PNPLoss(variant: .increasingBounded(b: 3), temperature: 0.05)]

    @Test func separateReferencesFollowTheDefinition() throws {
        let refs: Tensor<Double> = randomMatrix(9, 5, seed: 42), refLabels = (0..<9).map { $0 % 4 }
        for loss in Self.losses {
            let value = try loss.value(inputs: BatchInputs(embeddings: Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels))
            let expected = try Self.definition(loss, Self.x, Self.labels, refs, refLabels,
                                               positives: { refLabels[$1] == Self.labels[$0] }, negatives: { refLabels[$1] != Self.labels[$0] })
            expectClose([value], [expected], atol: 1e-12, rtol: 1e-10, "\(loss.variant)")
        }
    }

    @Test func listedPairsCountOnceAndFollowTheDefinition() throws {
        let everyPair = MinedTuples.allPairs(labels: Self.labels)
        guard case .pairs(let positive, let negative) = everyPair else { Issue.record("not pairs"); return }
        // Every pair listed (twice over) is the dense path; a subset follows the definition.
        let some = MinedTuples.pairs(positive: positive.filter { ($0.anchor + $0.other) % 3 != 0 } + positive.prefix(4),
                                     negative: negative.filter { $0.anchor * $0.other % 4 != 1 })
        guard case .pairs(let p, let n) = some else { return }
        for loss in Self.losses {
            let dense = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
            let listed = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: .pairs(positive: positive + positive, negative: negative))
            expectClose([listed.value], [dense.value], atol: 1e-14, rtol: 1e-12, "\(loss.variant)")
            expectClose(listed.gradient.scalars, dense.gradient.scalars, atol: 1e-14, rtol: 1e-12, "\(loss.variant)")
            let value = try loss.value(embeddings: Self.x, labels: Self.labels, tuples: some)
            let expected = try Self.definition(loss, Self.x, Self.labels, Self.x, Self.labels,
                                               positives: { i, j in p.contains(IndexPair(anchor: Int32(i), other: Int32(j))) },
                                               negatives: { i, j in n.contains(IndexPair(anchor: Int32(i), other: Int32(j))) })
            expectClose([value], [expected], atol: 1e-12, rtol: 1e-10, "\(loss.variant) over listed pairs")
        }
        #expect(throws: MetricLearningError.self) {
            try PNPLoss<Double>().value(embeddings: Self.x, labels: Self.labels, tuples: .pairs(positive: [positive[0]], negative: [positive[0]]))
        }
    }

    @Test func withoutAPositiveOrANegativeTheLossIsZero() throws {
        for variant in [PNPLoss<Double>.Variant.original, .decreasingPower(alpha: 1), .increasingUnbounded] {
            for labels in [Array(0..<14), Array(repeating: 1, count: 14)] {
                let r = try PNPLoss<Double>(variant: variant).valueWithGradient(embeddings: Self.x, labels: labels)
                #expect(r.value == 0 && r.gradient.scalars.allSatisfy { $0 == 0 }, "\(variant), \(Set(labels).count) classes")
            }
        }
    }

    @Test func badHyperparametersThrow() {
        let cases: [(String, PNPLoss<Double>)] = [
            ("temperature = 0", PNPLoss(temperature: 0)), ("temperature = nan", PNPLoss(temperature: .nan)),
            ("temperature = 5e-324", PNPLoss(temperature: .leastNonzeroMagnitude)),
            ("alpha = -1", PNPLoss(variant: .decreasingPower(alpha: -1))), ("alpha = inf", PNPLoss(variant: .decreasingPower(alpha: .infinity))),
            ("b = 0", PNPLoss(variant: .increasingBounded(b: 0))),
            ("must be a similarity", PNPLoss(distance: EuclideanDistance())),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
            }
        }
    }
}

extension MetricLoss {
    /// The loss value of `inputs` alone, without recording a tape.
    func value(inputs: BatchInputs<Scalar>, tuples: MinedTuples? = nil) throws -> Scalar {
        try self(inputs, tuples: tuples).checked().value.scalars[0]
    }
}
