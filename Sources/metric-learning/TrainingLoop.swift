import MetricLearning

/// Mini-batch training over seeded shuffles, shared by every model of the demo.
enum TrainingLoop {
    /// Trains `parameters` for `epochs`; `loss` maps the parameters (as variables) and a batch
    /// to the batch loss and the number of tuples it used. Calls `progress` after each epoch.
    static func run(
        parameters: inout [Tensor<Float>], data: LabeledDataset<Float>, epochs: Int, batchSize: Int,
        optimizer: inout any Optimizer<Float>, seed: UInt64,
        loss: ([Variable<Float>], LabeledDataset<Float>) throws -> (loss: Variable<Float>, tuples: Int),
        progress: (_ epoch: Int, _ meanLoss: Double, _ tuples: Int, _ seconds: Double) -> Void
    ) throws {
        var generator = SeededRandomGenerator(seed: seed &+ 100)
        for epoch in 1...epochs {
            let start = Clock.now
            var order = Array(0..<data.count)
            order.shuffle(using: &generator)
            var lossSum = 0.0, batches = 0, tuples = 0
            for batchStart in stride(from: 0, to: order.count, by: batchSize) {
                let indices = Array(order[batchStart..<min(batchStart + batchSize, order.count)])
                guard indices.count >= 2 else { continue }
                let batch = try data.subset(indices)
                var used = 0
                let (value, gradients) = try valueWithGradient(at: parameters) { p in
                    let (batchLoss, count) = try loss(p, batch)
                    used = count
                    return batchLoss
                }
                try optimizer.update(&parameters, along: gradients)
                lossSum += Double(value)
                tuples += used
                batches += 1
            }
            progress(epoch, lossSum / Double(max(batches, 1)), tuples, Clock.seconds(since: start))
        }
    }

    /// A seeded optimiser by name: Adam, or SGD with momentum 0.9.
    static func optimizer(_ name: String, learningRate: Double) -> any Optimizer<Float> {
        name == "sgd" ? SGD<Float>(learningRate: Float(learningRate), momentum: 0.9) : Adam<Float>(learningRate: Float(learningRate))
    }
}
