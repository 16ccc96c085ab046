// The code of the DocC articles (Sources/MetricLearning/MetricLearning.docc), compiled as a
// consumer writes it: plain imports, no @testable. Keep the articles and this file in step.
import MetricLearning
import MetricLearningTesting
import Testing

// WritingYourOwnLoss: the batch-only form.
struct MeanSquaredNorm: MetricLoss {
    func callAsFunction(_ embeddings: Variable<Double>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Double> {
        (embeddings * embeddings).sum(alongAxis: 1).mean()
    }
}

// WritingYourOwnLoss: a self-supervised loss.
/// An item's two views should agree: the mean squared distance between them.
struct ViewAgreementLoss<Scalar: TensorScalar>: PairedViewsLoss {
    func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validatePairedViews(tuples, loss: "ViewAgreementLoss")
        return (inputs.embeddings - inputs.references).squared().sum(alongAxis: 1).mean()
    }
}

@Suite("Documentation: articles")
struct ArticleSnippetTests {
    // WritingYourOwnLoss: "A self-supervised loss"; and PairedViewsLoss's own example.
    @Test func selfSupervisedLosses() throws {
        let view1 = try Tensor<Double>(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        let view2 = try Tensor<Double>(shape: [3, 2], scalars: [1, 0, 0, 2, 1, 1])
        let r = try ViewAgreementLoss<Double>().valueWithGradients(embeddings: view1, references: view2)
        #expect(Swift.abs(r.value - 1.0 / 3) < 1e-12 && r.embeddingsGradient.shape == [3, 2] && r.referencesGradient.shape == [3, 2])
        #expect(throws: MetricLearningError.self) { try ViewAgreementLoss<Double>().valueWithGradients(embeddings: view1, references: view2.gatheringRows([0, 1])) }

        let loss = SelfSupervisedLoss(NTXentLoss<Float>())
        let (f1, f2) = (try Tensor<Float>(shape: [3, 2], scalars: view1.scalars.map(Float.init)), try Tensor<Float>(shape: [3, 2], scalars: view2.scalars.map(Float.init)))
        let s = try loss.valueWithGradients(embeddings: f1, references: f2)
        #expect(s.value.isFinite && s.value > 0 && s.referencesGradient.shape == [3, 2])
    }

    static func firstBatch() throws -> (Tensor<Float>, [Int]) {
        (try Tensor<Float>(shape: [6, 2], scalars: [
            0.9, 0.1,   0.5, 0.7,   0.2, 0.9,
            0.8, 0.5,  -0.9, 0.2,   0.4, -0.8,
        ]), [0, 0, 1, 1, 2, 2])
    }

    // GettingStarted: "A loss and its gradient".
    @Test func aLossAndItsGradient() throws {
        let (embeddings, labels) = try Self.firstBatch()

        let miner = TripletMarginMiner<Float>(margin: 0.2, type: .semihard)
        let loss = TripletMarginLoss<Float>(margin: 0.2)

        let tuples = try miner.mine(embeddings, labels: labels)
        let (value, gradient) = try loss.valueWithGradient(embeddings: embeddings, labels: labels, tuples: tuples)
        let fused = try loss.valueWithGradient(embeddings: embeddings, labels: labels, minedBy: miner)
        let plain = try loss.value(embeddings: embeddings, labels: labels)

        #expect(tuples.count == 3 && Swift.abs(value - 0.103) < 1e-3 && gradient.shape == [6, 2])
        #expect(Swift.abs(fused.value - value) <= 1e-6)
        #expect(plain > 0)

        let contrastive = ContrastiveLoss<Float>(
            positiveMargin: 0, negativeMargin: 1,
            distance: CosineSimilarity(), reducer: MeanReducer())
        #expect(try contrastive.value(embeddings: embeddings, labels: labels).isFinite)

        let weights = try Tensor<Float>.randomNormal(shape: [2, 3], seed: 0)
        let result = try LargeMarginSoftmaxLoss<Float>(margin: 4)
            .valueWithGradient(embeddings: embeddings, weights: weights, labels: labels)
        #expect(result.value > 0 && result.embeddingsGradient.shape == [6, 2] && result.weightsGradient.shape == [2, 3])
    }

    // LossesAndMiners: "Embedding regularizers".
    @Test func embeddingRegularizers() throws {
        let (embeddings, labels) = try Self.firstBatch()
        let miner = TripletMarginMiner<Float>(margin: 0.2, type: .semihard)

        let loss = TripletMarginLoss<Float>(margin: 0.2).regularized(by: LpRegularizer(), weight: 0.1)
        let (value, gradient) = try loss.valueWithGradient(embeddings: embeddings, labels: labels, minedBy: miner)

        let plain = try TripletMarginLoss<Float>(margin: 0.2).valueWithGradient(embeddings: embeddings, labels: labels, minedBy: miner)
        #expect(value > plain.value && gradient.shape == [6, 2])
    }

    // GettingStarted: "A training step" and "Bad input and evaluation".
    @Test func aTrainingStep() throws {
        let batches = try (0..<3).map { i -> (Tensor<Float>, [Int]) in
            (try Tensor<Float>.randomNormal(shape: [32, 64], seed: UInt64(i)), (0..<32).map { $0 % 4 })
        }
        var values: [Float] = []

        var model = Sequential<Float>([
            try Linear(inputWidth: 64, outputWidth: 128, seed: 0), ReLU(),
            try Linear(inputWidth: 128, outputWidth: 32, seed: 1),
        ])
        var optimizer = Adam<Float>(learningRate: 1e-3)
        let loss = TripletMarginLoss<Float>(margin: 0.2)
        let miner = TripletMarginMiner<Float>(margin: 0.2, type: .semihard)

        for (batch, labels) in batches {
            let context = ForwardContext(isTraining: true)
            let (value, gradients) = try valueWithGradient(at: model.parameters) { p in
                let embeddings = model(Variable(batch), parameters: p[...], context: context)
                return try loss(embeddings, labels: labels, minedBy: miner)
            }
            try optimizer.update(&model.parameters, along: gradients)
            values.append(value)
        }
        #expect(values.count == 3 && values.allSatisfy { $0.isFinite && $0 > 0 })

        let testEmbeddings = try model(try Tensor<Float>.randomNormal(shape: [16, 64], seed: 9))
        let testLabels = (0..<16).map { $0 % 4 }
        let report = try RetrievalMetrics().report(queries: testEmbeddings, queryLabels: testLabels)
        #expect(report.meanAveragePrecisionAtR >= 0 && report.precisionAt1 <= 1)

        #expect(throws: MetricLearningError.self) { try loss.value(embeddings: testEmbeddings, labels: [0, 1]) }
    }

    // WritingYourOwnLoss: the two forms in use.
    @Test func ownLossesInUse() throws {
        let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: 1)
        let labels = [0, 0, 1, 1, 2, 2, 3, 3]

        let loss = SmoothContrastiveLoss<Double>(negativeMargin: 1.2)
        let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
        let mined = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: PairMarginMiner())
        var memory = CrossBatchMemory<Double>(loss: loss, memorySize: 1024)

        #expect(value > 0 && gradient.shape == [8, 4] && mined.value.isFinite)
        let (memoryValue, _) = try memory.valueWithGradient(embeddings: x, labels: labels)
        #expect(Swift.abs(memoryValue - value) <= 1e-12)   // the first batch meets only itself

        let (norm, normGradient) = try MeanSquaredNorm().valueWithGradient(embeddings: x, labels: labels)
        #expect(Swift.abs(norm - x.scalars.map { $0 * $0 }.reduce(0, +) / 8) <= 1e-12)
        #expect(zip(normGradient.scalars, x.scalars).allSatisfy { Swift.abs($0 - $1 / 4) <= 1e-12 })
        // The batch-only form refuses separate references.
        #expect(throws: MetricLearningError.self) {
            try MeanSquaredNorm().valueWithGradients(embeddings: x, labels: labels, references: x * 2, referenceLabels: labels)
        }
    }

    // PastOneBatch: references, selfOffset, the memory, the workers' recipe, tasks.
    @Test func pastOneBatch() async throws {
        let batch = try Tensor<Double>.randomNormal(shape: [4, 3], seed: 1), labels = [0, 1, 2, 0]
        let references = try Tensor<Double>.randomNormal(shape: [6, 3], seed: 2), referenceLabels = [0, 0, 1, 1, 2, 2]

        let loss = TripletMarginLoss<Double>(margin: 0.2)
        let miner = TripletMarginMiner<Double>(margin: 0.2, type: .hard)

        let tuples = try miner.mine(batch, labels: labels, references: references, referenceLabels: referenceLabels)
        let result = try loss.valueWithGradients(
            embeddings: batch, labels: labels, references: references, referenceLabels: referenceLabels, tuples: tuples)
        #expect(result.embeddingsGradient.shape == [4, 3] && result.referencesGradient.shape == [6, 3])

        // selfOffset: the local slice is rows 4..<8 of `all`.
        let all = try Tensor<Double>.randomNormal(shape: [10, 3], seed: 3), allLabels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
        let local = try Tensor<Double>(shape: [4, 3], scalars: Array(all.scalars[12..<24]))
        let localLabels = Array(allLabels[4..<8])
        let (value, gradients) = try valueWithGradient(at: [local, all]) { v in
            let inputs = BatchInputs(embeddings: v[0], labels: localLabels,
                                     references: v[1], referenceLabels: allLabels, selfOffset: 4)
            return try loss(inputs, minedBy: miner)
        }
        #expect(value.isFinite && gradients[0].shape == [4, 3] && gradients[1].shape == [10, 3])

        // The memory.
        let batches = try (1...3).map { seed in
            (try Tensor<Float>.randomNormal(shape: [8, 3], seed: UInt64(seed)), [0, 0, 1, 1, 2, 2, 3, 3])
        }
        var memory = CrossBatchMemory<Float>(
            loss: ContrastiveLoss(), miner: PairMarginMiner(), memorySize: 4096)
        for (embeddings, labels) in batches {
            let (value, gradient) = try memory.valueWithGradient(embeddings: embeddings, labels: labels)
            #expect(value.isFinite && gradient.shape == [8, 3])
        }
        #expect(memory.memory.count == 24)
        memory.reset()

        // Tasks.
        let doubleBatches = try (1...3).map { seed in
            (try Tensor<Double>.randomNormal(shape: [8, 3], seed: UInt64(seed)), [0, 0, 1, 1, 2, 2, 3, 3])
        }
        let values = try await tripletValuesInTasks(doubleBatches)
        let alone = try doubleBatches.map { x, labels in
            try TripletMarginLoss<Double>(margin: 0.4).valueWithGradient(embeddings: x, labels: labels, minedBy: BatchHardMiner()).value
        }
        #expect(values == alone)
    }

    func tripletValuesInTasks(_ batches: [(Tensor<Double>, [Int])]) async throws -> [Double] {
        let loss = TripletMarginLoss<Double>(margin: 0.4), miner = BatchHardMiner<Double>()
        let values = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            for (index, (x, labels)) in batches.enumerated() {
                group.addTask {
                    let (value, _) = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
                    return (index, value)
                }
            }
            var values = [Double](repeating: 0, count: batches.count)
            for try await (index, value) in group { values[index] = value }
            return values
        }
        return values
    }

    // Performance: "Three builds" (what a program can ask about its kernels).
    @Test func theBuildsKernels() {
        if KernelBuild.fusedMultiplyAddIsSlow {
            // Built with FusedMultiplyAdd for a CPU without FMA: add -Xswiftc -target-cpu -Xswiftc native.
        }
        #expect(KernelBuild.matrixTile.contains("SIMD"))
        #if arch(arm64)
        #expect(KernelBuild.fusesMultiplyAdd)
        #endif
    }
}
