import MetricLearning

/// Mini-batch training, shared by every model of the demo.
enum TrainingLoop {
    /// Trains every group of parameters for `epochs`, each with its own optimizer; `loss`
    /// maps all parameters (as variables, the groups' one after another) and a batch to the
    /// batch loss. Batches come from `sampler` when one is given (m-per-class batches for the
    /// losses that need balanced classes), else from a seeded shuffle of the data. Calls
    /// `progress` after each epoch.
    static func run(
        groups: inout [ParameterGroup], data: LabeledDataset<Float>, epochs: Int, batchSize: Int,
        sampler: (any BatchSampler)? = nil, seed: UInt64,
        loss: ([Variable<Float>], LabeledDataset<Float>) throws -> Variable<Float>,
        progress: (_ epoch: Int, _ meanLoss: Double, _ seconds: Double) -> Void
    ) throws {
        var generator = SeededRandomGenerator(seed: seed &+ 100)
        for epoch in 1...epochs {
            let start = Clock.now
            var lossSum = 0.0, batches = 0
            for indices in sampler?.batches(epoch: epoch - 1) ?? shuffledBatches(data.count, batchSize, using: &generator) {
                guard indices.count >= 2 else { continue }
                let batch = try data.subset(indices)
                let (value, gradients) = try valueWithGradient(at: groups.flatMap(\.parameters)) { try loss($0, batch) }
                var offset = 0
                for g in groups.indices {
                    try groups[g].step(along: Array(gradients[offset..<offset + groups[g].parameters.count]))
                    offset += groups[g].parameters.count
                }
                lossSum += Double(value)
                batches += 1
            }
            progress(epoch, lossSum / Double(max(batches, 1)), Clock.seconds(since: start))
        }
    }

    /// The rows `0..<count` shuffled by `generator` and cut into batches of `batchSize` (the
    /// last one shorter).
    static func shuffledBatches(_ count: Int, _ batchSize: Int, using generator: inout SeededRandomGenerator) -> [[Int]] {
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, count)]) }
    }

    /// A seeded optimiser by name: Adam, or SGD with momentum 0.9.
    static func optimizer(_ name: String, learningRate: Double) -> any Optimizer<Float> {
        name == "sgd" ? SGD<Float>(learningRate: Float(learningRate), momentum: 0.9) : Adam<Float>(learningRate: Float(learningRate))
    }
}
