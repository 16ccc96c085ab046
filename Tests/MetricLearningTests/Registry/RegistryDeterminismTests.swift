import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every enrolled loss (alone and after every miner, through its fused path), classifier loss and miner
/// gives bitwise the same result for 1, 2 and 8 threads, with the parallel threshold lowered
/// so that a small batch takes every parallel path.
@Suite("Determinism of every enrolled type")
struct RegistryDeterminismTests {
    static let x: Tensor<Float> = randomMatrix(72, 16, seed: 71)
    static let labels = (0..<72).map { ($0 * 7) % 9 }

    static func acrossThreads<T: Equatable>(_ what: String, _ body: () throws -> T) throws {
        let reference = try ComputeThreads.withLimit(1, body)
        for threads in [2, 8] {
            let other = try ComputeThreads.$minimumParallelWork.withValue(1 << 8) { try ComputeThreads.withLimit(threads, body) }
            #expect(other == reference, "\(what) with \(threads) threads")
        }
    }

    static func bits(_ r: (value: Float, gradient: Tensor<Float>)) -> [UInt32] {
        [r.value.bitPattern] + r.gradient.scalars.map(\.bitPattern)
    }

    @Test(arguments: Registry.metricLossNames) func lossIsBitwiseStable(name: String) throws {
        let entry = Registry.metricLoss(name, as: Float.self)
        let x = entry.traits.contains(.unitBall) ? Self.x * 0.3 : Self.x
        let labels = entry.traits.labels(Self.labels)
        try Self.acrossThreads(name) { Self.bits(try entry.object.valueWithGradient(embeddings: x, labels: labels)) }
        for miner in entry.traits.contains(.noTuples) ? [] : Registry.miners() as [RegistryEntry<any Miner<Float>>] {
            try Self.acrossThreads("\(name) after \(miner.name)") {
                Self.bits(try entry.object.valueWithGradient(embeddings: x, labels: labels, minedBy: miner.object))
            }
        }
    }

    @Test(arguments: Registry.classifierLossNames) func classifierLossIsBitwiseStable(name: String) throws {
        let loss = Registry.classifierLoss(name, as: Float.self).object
        let weights = try loss.initialWeights(classCount: 9, embeddingSize: 16, seed: 72)
        try Self.acrossThreads(name) {
            let r = try loss.valueWithGradient(embeddings: Self.x, weights: weights, labels: Self.labels)
            return [r.value.bitPattern] + (r.embeddingsGradient.scalars + r.weightsGradient.scalars).map(\.bitPattern)
        }
    }

    @Test(arguments: Registry.minerNames) func minerIsStable(name: String) throws {
        let miner = Registry.miner(name, as: Float.self).object
        try Self.acrossThreads(name) { try miner.mine(Self.x, labels: Self.labels) }
    }
}
