import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Cross-batch memory and data-parallel training with reference embeddings.
@Suite("Past one batch")
struct PastOneBatchTests {
    static func batch(_ seed: UInt64, _ n: Int = 6) -> (Tensor<Double>, [Int]) {
        (randomMatrix(n, 4, seed: seed), (0..<n).map { (Int(seed) + $0) % 3 })
    }

    @Test func crossBatchMemoryComputesAgainstTheQueue() throws {
        var memory = CrossBatchMemory<Double>(loss: ContrastiveLoss(negativeMargin: 1.5), miner: nil, memorySize: 10)
        let (x1, y1) = Self.batch(1), (x2, y2) = Self.batch(2)
        // First batch: against itself, gradient through the anchors only (the queue is constant).
        let (v1, g1) = try memory.valueWithGradient(embeddings: x1, labels: y1)
        let (e1, o1) = try valueWithGradient(at: x1) { v in
            try ContrastiveLoss<Double>(negativeMargin: 1.5)(BatchInputs(embeddings: v, labels: y1, references: Variable(x1.map { $0 }),
                                                                      referenceLabels: y1, selfOffset: 0), tuples: nil)
        }
        expectClose([v1], [e1], atol: 1e-14)
        expectClose(g1.scalars, o1.scalars, atol: 1e-14)
        // Second batch: against itself and the newest four of the first (ten fit).
        let (v2, _) = try memory.valueWithGradient(embeddings: x2, labels: y2)
        let both = try Tensor<Double>(shape: [10, 4], scalars: x2.scalars + x1.scalars.suffix(16))
        let expected = try ContrastiveLoss<Double>(negativeMargin: 1.5)(
            BatchInputs(embeddings: Variable(x2), labels: y2, references: Variable(both), referenceLabels: y2 + y1.suffix(4), selfOffset: 0), tuples: nil)
        expectClose([v2], expected.value.scalars, atol: 1e-14)
        // A third batch pushes out the oldest rows: the newest ten remain.
        let (x3, y3) = Self.batch(3)
        _ = try memory.valueWithGradient(embeddings: x3, labels: y3)
        #expect(memory.memory.count == 10 && memory.memoryLabels == Array(y2.suffix(4)) + y3)
        #expect(memory.memory.flatMap { $0 } == Array(x2.scalars.suffix(16)) + x3.scalars)
        #expect(throws: MetricLearningError.self) { try memory.valueWithGradient(embeddings: randomMatrix(11, 4, seed: 1), labels: Array(0..<11)) }
    }

    @Test func crossBatchMemoryWithAMiner() throws {
        var memory = CrossBatchMemory<Double>(loss: TripletMarginLoss(margin: 0.3), miner: TripletMarginMiner(margin: 0.3, type: .semihard), memorySize: 18)
        var values: [Double] = []
        for seed in 1...4 {
            let (x, y) = Self.batch(UInt64(seed))
            let (value, gradient) = try memory.valueWithGradient(embeddings: x, labels: y)
            values.append(value)
            #expect(gradient.isFinite && gradient.shape == [6, 4])
        }
        #expect(values.allSatisfy(\.isFinite) && memory.memory.count == 18)
    }

    @Test func crossBatchMemoryOnDegenerateBatches() throws {
        var memory = CrossBatchMemory<Double>(loss: TripletMarginLoss(), miner: BatchHardMiner(), memorySize: 4)
        let (v1, g1) = try memory.valueWithGradient(embeddings: try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]), labels: [0])
        #expect(v1 == 0 && g1.scalars.allSatisfy { $0 == 0 })
        let (v2, g2) = try memory.valueWithGradient(embeddings: try Tensor(shape: [2, 4], scalars: [1, 2, 3, 5, 0, 0, 0, 0]), labels: [0, 1])
        #expect(v2.isFinite && g2.isFinite)
        memory.reset()
        #expect(memory.memory.isEmpty && memory.memoryLabels.isEmpty)
    }

    /// The documented recipe: each worker all-gathers the embeddings, computes the loss of its
    /// own anchors against the gathered references (its slice at `selfOffset`), and the
    /// gradients of the gathered copies are summed back to their owners (an all-reduce).
    /// With a sum reduction the workers' losses add up to the single-process loss and the
    /// gradients equal it exactly.
    @Test func dataParallelGradientsEqualTheSingleProcessOnes() throws {
        let workers = [Self.batch(5, 5), Self.batch(6, 7)]
        let all = try Tensor<Double>(shape: [12, 4], scalars: workers.flatMap { $0.0.scalars })
        let allLabels = workers.flatMap { $0.1 }
        let loss = TripletMarginLoss<Double>(margin: 0.4, reducer: SumReducer())
        let (single, singleGradient) = try loss.valueWithGradient(embeddings: all, labels: allLabels)

        var total = 0.0
        var gradient = [Double](repeating: 0, count: all.count)
        var offset = 0
        for (local, localLabels) in workers {
            // Worker-side: anchors are the local slice; references are the all-gathered batch.
            let (value, g) = try valueWithGradient(at: [local, all]) { v in
                try loss(BatchInputs(embeddings: v[0], labels: localLabels, references: v[1], referenceLabels: allLabels,
                                    selfOffset: offset), tuples: nil)
            }
            total += value
            // The local anchors' gradient belongs to this worker's slice...
            for i in 0..<local.count { gradient[offset * 4 + i] += g[0].scalars[i] }
            // ...and the gathered copies' gradients go back to their owners (all-reduce).
            for i in 0..<all.count { gradient[i] += g[1].scalars[i] }
            offset += local.shape[0]
        }
        expectClose([total], [single], atol: 1e-12)
        expectClose(gradient, singleGradient.scalars, atol: 1e-12, rtol: 1e-10)
    }

    /// Workers as tasks: losses, miners and optimizers are Sendable values that tasks share,
    /// and concurrent workers get what one worker alone gets.
    @Test func workersShareLossesMinersAndOptimizersAcrossTasks() async throws {
        let loss = TripletMarginLoss<Double>(margin: 0.4), miner = BatchHardMiner<Double>()
        let optimizer = Adam<Double>(learningRate: 0.01)
        let batches = [Self.batch(11), Self.batch(12), Self.batch(13)]
        let alone = try batches.map { x, labels in try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels)).value }
        let together = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            for (index, (x, labels)) in batches.enumerated() {
                group.addTask {
                    var local = optimizer
                    var parameters = [x]
                    let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
                    try local.update(&parameters, along: [gradient])
                    return (index, value)
                }
            }
            var values = [Double](repeating: 0, count: batches.count)
            for try await (index, value) in group { values[index] = value }
            return values
        }
        #expect(together == alone)
    }
}
