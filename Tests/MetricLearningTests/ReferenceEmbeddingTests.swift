import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Losses and miners against reference embeddings (PML's `ref_emb`).
@Suite("Reference embeddings")
struct ReferenceEmbeddingTests {
    static let x: Tensor<Double> = randomMatrix(14, 5, seed: 31)
    static let labels = (0..<14).map { ($0 * 5) % 4 }

    /// A copy in a separate buffer: the two-set code paths run, but the result must equal
    /// the batch against itself once the anchor's own copy is excluded.
    static func copy(_ t: Tensor<Double>) -> Tensor<Double> { Tensor(uncheckedShape: t.shape, scalars: t.scalars.map { $0 + 0 }) }

    @Test(arguments: Registry.metricLossNames) func separateCopyOfTheBatchEqualsTheBatchItself(name: String) throws {
        let entry = Registry.metricLoss(name), loss = entry.object
        let (x, labels) = (entry.traits.contains(.unitBall) ? Self.x * 0.3 : Self.x, entry.traits.labels(Self.labels))
        let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
        func split() throws -> (value: Double, gradient: [Tensor<Double>]) {
            try valueWithGradient(at: [x, Self.copy(x)]) { v in
                try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: labels, selfOffset: 0), tuples: nil)
            }
        }
        guard !entry.traits.contains(.batchOnly) else {
            #expect(throws: MetricLearningError.self, "\(name) takes no references") { try split() }
            return
        }
        let (split, gradients) = try split()
        expectClose([split], [value], atol: 1e-12, rtol: 1e-10, name)
        expectClose(try (gradients[0] + gradients[1]).scalars, gradient.scalars, atol: 1e-10, rtol: 1e-8, name)
        #expect(gradients[1].scalars.contains { $0 != 0 }, "\(name): references get a gradient")
    }

    @Test(arguments: Registry.metricLossNames) func gradientsForEmbeddingsAndReferences(name: String) throws {
        let entry = Registry.metricLoss(name), loss = entry.object
        let scale = entry.traits.contains(.unitBall) ? 0.3 : 1.0
        let x = Self.x * scale
        // A second view of the batch has its rows; other references have 9.
        let refs: Tensor<Double> = randomMatrix(entry.traits.contains(.pairedViews) ? 14 : 9, 5, seed: 32) * scale
        let (labels, refLabels) = (entry.traits.labels(Self.labels), (0..<refs.shape[0]).map { $0 % 4 })
        guard !entry.traits.contains(.batchOnly) else {
            #expect(throws: MetricLearningError.self, "\(name) takes no references") {
                try loss.valueWithGradients(embeddings: x, labels: labels, references: refs, referenceLabels: refLabels)
            }
            return
        }
        let report = try checkGradients(at: [x, refs]) { v in
            try loss(v[0], labels: labels, references: v[1], referenceLabels: refLabels)
        }
        #expect(entry.traits.contains(.detachedFactors) || report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "\(name): \(report)")
        let r = try loss.valueWithGradients(embeddings: x, labels: labels, references: refs, referenceLabels: refLabels)
        #expect(r.embeddingsGradient.shape == [14, 5] && r.referencesGradient.shape == refs.shape)
        if entry.traits.contains(.pairedViews) {
            #expect(throws: MetricLearningError.self, "\(name): views of 14 and 9 rows") {
                try loss.valueWithGradients(embeddings: x, labels: labels, references: randomMatrix(9, 5, seed: 32), referenceLabels: (0..<9).map { $0 % 4 })
            }
        }
    }

    @Test func minersAgainstReferencesMatchBruteForceAndTheSelfCase() throws {
        let refs: Tensor<Double> = randomMatrix(11, 5, seed: 33)
        let refLabels = (0..<11).map { $0 % 4 }
        // A batch of 14 rows is no packaging of triplets (PackagedTripletsMinerTests covers references).
        let miners = (Registry.miners() as [RegistryEntry<any Miner<Double>>]).filter { !$0.traits.contains(.readsLayout) }.map(\.object)
        for miner in miners {
            // A separate copy with the self offset mines exactly what the batch alone mines.
            let alone = try miner.mine(Self.x, labels: Self.labels)
            let viaCopy = try miner.mine(BatchInputs(embeddings: Self.x, labels: Self.labels, references: Self.copy(Self.x),
                                                      referenceLabels: Self.labels, selfOffset: 0))
            #expect(alone == viaCopy, "\(type(of: miner))")
            // Against separate references every index is valid for the loss.
            let tuples = try miner.mine(Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels)
            try tuples.validate(batchSize: 14, referenceCount: 11)
        }
        let d = try EuclideanDistance<Double>().matrix(Self.x, refs)
        guard case .triplets(let got) = try TripletMarginMiner<Double>(margin: 0.4, type: .all)
            .mine(Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels) else { Issue.record("not triplets"); return }
        var expected: Set<IndexTriplet> = []
        for a in 0..<14 { for p in 0..<11 where refLabels[p] == Self.labels[a] { for n in 0..<11 where refLabels[n] != Self.labels[a] {
            if d[a, n] - d[a, p] <= 0.4 { expected.insert(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(n))) }
        } } }
        #expect(Set(got) == expected && got.count == expected.count)
    }

    @Test func fusedTripletReductionAgainstReferences() throws {
        let refs: Tensor<Double> = randomMatrix(30, 5, seed: 34)
        let refLabels = (0..<30).map { $0 % 4 }
        for type in TripletMarginMiner<Double>.TripletType.allCases {
            let miner = TripletMarginMiner<Double>(margin: 0.3, type: type)
            let loss = TripletMarginLoss<Double>(margin: 0.3)
            let (fused, fusedGradients) = try valueWithGradient(at: [Self.x, refs]) { v in
                try loss(BatchInputs(embeddings: v[0], labels: Self.labels, references: v[1], referenceLabels: refLabels), minedBy: miner)
            }
            let tuples = try miner.mine(Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels)
            let r = try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: refs, referenceLabels: refLabels, tuples: tuples)
            expectClose([fused], [r.value], atol: 1e-12, rtol: 1e-10, "\(type)")
            expectClose(fusedGradients[0].scalars, r.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, "\(type)")
            expectClose(fusedGradients[1].scalars, r.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, "\(type)")
        }
    }

    @Test func badReferencesThrow() {
        let loss = TripletMarginLoss<Double>()
        #expect(throws: MetricLearningError.self) {
            try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: randomMatrix(4, 3, seed: 1), referenceLabels: [0, 1, 2, 3])
        }
        #expect(throws: MetricLearningError.self) {
            try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: randomMatrix(4, 5, seed: 1), referenceLabels: [0, 1])
        }
        #expect(throws: MetricLearningError.self) {
            try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: randomMatrix(4, 5, seed: 1), referenceLabels: [0, 1, 2, 3],
                                        tuples: .triplets([IndexTriplet(anchor: 0, positive: 7, negative: 1)]))
        }
        // A self offset the batch does not fit at, Int.max included (no overflow trap).
        let n = Self.labels.count
        let references: Tensor<Double> = randomMatrix(n + 2, Self.x.shape[1], seed: 2)
        let referenceLabels = Array(0..<(n + 2))
        for offset in [-1, 3, Int.max] {
            let inputs = BatchInputs(embeddings: Self.x, labels: Self.labels, references: references, referenceLabels: referenceLabels, selfOffset: offset)
            #expect(throws: MetricLearningError.self, "selfOffset \(offset)") { try BatchHardMiner<Double>().mine(inputs) }
            #expect(throws: MetricLearningError.self, "selfOffset \(offset)") {
                try loss(BatchInputs(embeddings: Variable(Self.x), labels: Self.labels, references: Variable(references),
                                    referenceLabels: referenceLabels, selfOffset: offset), tuples: nil)
            }
        }
    }

    /// The batch's own tensor (or variable) as references under a label count of its own:
    /// rejected, where miners indexed past the labels and trapped (found by metric-fuzz).
    @Test func theBatchAsItsOwnReferencesWithOtherLabelCountsThrows() {
        for referenceLabels in [Array(Self.labels.dropLast()), Self.labels + [0, 1]] {
            for miner in Registry.miners() as [RegistryEntry<any Miner<Double>>] {
                #expect(throws: MetricLearningError.self, "\(miner.name), \(referenceLabels.count) labels") {
                    try miner.object.mine(BatchInputs(embeddings: Self.x, labels: Self.labels, references: Self.x,
                                                      referenceLabels: referenceLabels, selfOffset: 0))
                }
            }
            #expect(throws: MetricLearningError.self) {
                try valueWithGradient(at: Self.x) { v in
                    try TripletMarginLoss<Double>()(BatchInputs(embeddings: v, labels: Self.labels, references: v,
                                                                referenceLabels: referenceLabels, selfOffset: 0), tuples: nil)
                }
            }
        }
    }
}
