import Testing
import MetricLearning

/// Models are values: a copy is a checkpoint that later training does not touch, and a trained
/// model can be shared by tasks.
@Suite("Model checkpoints")
struct CheckpointTests {
    static func model() throws -> Sequential<Double> {
        Sequential([try Linear(inputWidth: 3, outputWidth: 4, seed: 1), try BatchNorm(width: 4), ReLU(),
                    try Linear(inputWidth: 4, outputWidth: 2, seed: 2)])
    }

    static let x: Tensor<Double> = randomMatrix(8, 3, seed: 5, scale: 2)
    static let labels = [0, 1, 0, 1, 2, 2, 0, 1]

    /// One step of SGD on a triplet loss, in training mode.
    static func trainOneStep(_ model: inout Sequential<Double>) throws {
        var optimizer = SGD<Double>(learningRate: 0.1)
        let context = ForwardContext(isTraining: true)
        let (_, gradients) = try valueWithGradient(at: model.parameters) { p in
            try TripletMarginLoss<Double>(margin: 0.5)(model(Variable(x), parameters: p[...], context: context), labels: labels)
        }
        try optimizer.update(&model.parameters, along: gradients)
    }

    static func statistics(_ model: Sequential<Double>) -> BatchNorm<Double>.RunningStatistics {
        (model.layers[1] as! BatchNorm<Double>).statistics
    }

    @Test func aCopyIsACheckpointThatTrainingDoesNotChange() throws {
        var model = try Self.model()
        let best = model
        let before = try best(Self.x)
        try Self.trainOneStep(&model)

        #expect(try best(Self.x) == before, "the copy's evaluation output is unchanged")
        #expect(Self.statistics(best).mean == [0, 0, 0, 0] && Self.statistics(best).variance == [1, 1, 1, 1])
        // The trained model holds the statistics of the batch its training pass saw (momentum 0.1,
        // unbiased variance), computed here from the first layer's output before the step.
        let hidden = try Linear<Double>(inputWidth: 3, outputWidth: 4, seed: 1)(Self.x)
        let mean = try hidden.mean(alongAxis: 0).scalars
        let variance = (0..<4).map { j in (0..<8).map { i in (hidden[i, j] - mean[j]) * (hidden[i, j] - mean[j]) }.reduce(0, +) / 7 }
        expectClose(Self.statistics(model).mean, mean.map { 0.1 * $0 }, atol: 1e-12)
        expectClose(Self.statistics(model).variance, variance.map { 0.9 + 0.1 * $0 }, atol: 1e-12)
        #expect(try model(Self.x) != before)
        #expect(model.parameters != best.parameters)
    }

    @Test func evaluationLeavesTheModelAsItWas() throws {
        var model = try Self.model()
        try Self.trainOneStep(&model)
        let statistics = Self.statistics(model)
        _ = try model(Self.x)
        _ = try model(Self.x, context: ForwardContext(isTraining: false))
        _ = try valueWithGradient(at: Self.x) { model($0, parameters: model.parameters.map { Variable($0) }[...]).sum() }
        #expect(Self.statistics(model) == statistics)
        _ = try model(Self.x, context: ForwardContext(isTraining: true))
        #expect(Self.statistics(model) != statistics, "a training pass moves them")
    }

    @Test func tasksShareATrainedModel() async throws {
        var model = try Self.model()
        try Self.trainOneStep(&model)
        let trained = model
        let inputs: [Tensor<Double>] = (0..<4).map { randomMatrix(6, 3, seed: 20 + UInt64($0)) }
        let alone = try inputs.map { try trained($0) }
        let together = try await withThrowingTaskGroup(of: (Int, Tensor<Double>).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask { (index, try trained(input)) }
            }
            var outputs = alone.map { _ in Tensor<Double>(0) }
            for try await (index, output) in group { outputs[index] = output }
            return outputs
        }
        #expect(together == alone)
    }

    /// Which training types are Sendable, checked when the tests compile. `ForwardContext` is not:
    /// it is one mutable random stream that each task makes for itself.
    @Test func layersModelsAndOptimizersAreSendable() {
        let types: [any Sendable.Type] = [
            Linear<Float>.self, ReLU<Float>.self, Tanh<Float>.self, Dropout<Float>.self, BatchNorm<Float>.self,
            BatchNorm<Float>.RunningStatistics.self, Sequential<Float>.self, (any Layer<Double>).self,
            SGD<Float>.self, Adam<Double>.self, AdversarialAttack<Float>.self,
        ]
        #expect(types.count == 11)
    }
}
