import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// The same inputs give bitwise the same loss and gradient whatever the thread count.
@Suite("Determinism across thread counts")
struct DeterminismTests {
    @Test func lossesAndGradientsAreBitwiseEqualFor1_2And8Threads() throws {
        let n = 320
        let x: Tensor<Float> = randomMatrix(n, 32, seed: 21)
        var generator = SeededRandomGenerator(seed: 22)
        let labels = (0..<n).map { _ in generator.nextIndex(below: n / 8) }
        let steps: [(String, () throws -> (Float, Tensor<Float>))] = [
            ("triplet+semihard (fused)", { try TripletMarginLoss<Float>(margin: 0.1).valueWithGradient(
                embeddings: x, labels: labels, minedBy: TripletMarginMiner(margin: 0.1, type: .semihard)) }),
            ("angular", { try AngularLoss<Float>().valueWithGradient(embeddings: x, labels: labels) }),
            ("multi-similarity+ms", { try MultiSimilarityLoss<Float>().valueWithGradient(
                embeddings: x, labels: labels, tuples: MultiSimilarityMiner<Float>().mine(x, labels: labels)) }),
            ("multi-similarity+ms (fused)", { try MultiSimilarityLoss<Float>().valueWithGradient(
                embeddings: x, labels: labels, minedBy: MultiSimilarityMiner()) }),
            ("contrastive (all pairs)", { try ContrastiveLoss<Float>().valueWithGradient(embeddings: x, labels: labels) }),
            ("contrastive+pairmargin", { try ContrastiveLoss<Float>().valueWithGradient(
                embeddings: x, labels: labels, tuples: PairMarginMiner<Float>(positiveMargin: 0, negativeMargin: 1.4).mine(x, labels: labels)) }),
            ("triplet+semihard (listed)", { try TripletMarginLoss<Float>(margin: 0.1).valueWithGradient(
                embeddings: x, labels: labels, tuples: TripletMarginMiner(margin: 0.1, type: .semihard).mine(x, labels: labels)) }),
            ("gram", { (0, try matmul(x, x, transposeB: true)) }),
        ]
        // Split even small kernels, so that the batch exercises every parallel path.
        for (name, step) in steps {
            let reference = try ComputeThreads.withLimit(1, step)
            for threads in [2, 8] {
                let other = try ComputeThreads.$minimumParallelWork.withValue(1 << 10) { try ComputeThreads.withLimit(threads, step) }
                #expect(other.0.bitPattern == reference.0.bitPattern, "\(name) value with \(threads) threads")
                #expect(other.1.scalars.map(\.bitPattern) == reference.1.scalars.map(\.bitPattern), "\(name) gradient with \(threads) threads")
            }
        }
        #expect(ComputeThreads.limit == ComputeThreads.available)
        #expect(ComputeThreads.withLimit(3) { ComputeThreads.limit } == 3)
    }
}
