import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// The fused multi-similarity path equals mining the pairs and then reducing over them.
@Suite("Fused multi-similarity mining and loss")
struct FusedMultiSimilarityTests {
    @Test func equalsMineThenReduce() throws {
        let distances: [any Distance<Double>] = [CosineSimilarity(), EuclideanDistance(), DotProductSimilarity()]
        let reducers: [any Reducer<Double>] = [MeanOfNonZeroReducer(), MeanReducer()]
        for seed in 0..<5 {
            let n = 9 + 8 * seed
            let x: Tensor<Double> = randomMatrix(n, 6, seed: UInt64(40 + seed), scale: 0.4)
            let labels = (0..<n).map { ($0 * 7 + seed) % (2 + seed) }
            for distance in distances {
                for reducer in reducers {
                    for epsilon in [0.1, 0.5, 0.01] {
                        let miner = MultiSimilarityMiner(epsilon: epsilon, distance: distance)
                        let loss = MultiSimilarityLoss(alpha: 2, beta: 10, base: 0.5, distance: distance, reducer: reducer)
                        let fused = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
                        let mined = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
                        expectClose([fused.value], [mined.value], atol: 1e-12, rtol: 1e-10, "\(distance) ε \(epsilon)")
                        expectClose(fused.gradient.scalars, mined.gradient.scalars, atol: 1e-12, rtol: 1e-9, "\(distance) ε \(epsilon)")
                    }
                }
            }
        }
    }

    /// One anchor keeps one positive and one negative pair, the others nothing: PML's
    /// `GenericPairLoss` gives 0 for at most one pair of each kind, on both paths, while the
    /// same batch with the other anchor keeping its pairs too gives a positive loss.
    @Test func onePairOfEachKindGivesZero() throws {
        let angle = { (degrees: Double) in [Foundation.cos(degrees * .pi / 180), Foundation.sin(degrees * .pi / 180)] }
        let x = try Tensor<Double>(shape: [3, 2], scalars: angle(0) + angle(60) + angle(-30))
        let labels = [0, 0, 1], miner = MultiSimilarityMiner<Double>(epsilon: 0.1), loss = MultiSimilarityLoss<Double>()
        let mined = try miner.mine(x, labels: labels)
        #expect(mined.count == 2)
        let fused = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
        let general = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: mined)
        #expect(fused.value == 0 && general.value == 0)
        #expect(fused.gradient.scalars.allSatisfy { $0 == 0 } && general.gradient.scalars.allSatisfy { $0 == 0 })
        let wider = MultiSimilarityMiner<Double>(epsilon: 0.7)
        #expect(try miner.mine(x, labels: labels).count < wider.mine(x, labels: labels).count)
        let both = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: wider)
        #expect(both.value > 0)
    }

    @Test func floatAndReferencesAndFallback() throws {
        let x: Tensor<Float> = randomMatrix(64, 16, seed: 50)
        let r: Tensor<Float> = randomMatrix(48, 16, seed: 51)
        let labels = (0..<64).map { $0 % 9 }, referenceLabels = (0..<48).map { $0 % 7 }
        let loss = MultiSimilarityLoss<Float>()
        let miner = MultiSimilarityMiner<Float>()
        let fused = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
        let mined = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
        expectClose([fused.value], [mined.value], atol: 1e-6, rtol: 1e-5)
        expectClose(fused.gradient.scalars, mined.gradient.scalars, atol: 1e-6, rtol: 1e-4)
        // Against references, gradients for both sets.
        func step(_ fuse: Bool) throws -> (Float, [Tensor<Float>]) {
            try valueWithGradient(at: [x, r]) { v in
                let inputs = BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: referenceLabels)
                return fuse ? try loss(inputs, minedBy: miner) : try loss(inputs, tuples: miner.mine(inputs))
            }
        }
        let (fusedValue, fusedGradients) = try step(true), (value, gradients) = try step(false)
        #expect(value > 0)
        expectClose([fusedValue], [value], atol: 1e-6, rtol: 1e-5)
        for i in 0..<2 { expectClose(fusedGradients[i].scalars, gradients[i].scalars, atol: 1e-6, rtol: 1e-4, "set \(i)") }
        // A miner with another distance mines first, then reduces: the same as doing it by hand.
        let euclidean = MultiSimilarityMiner<Float>(distance: EuclideanDistance())
        let other = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: euclidean)
        let byHand = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: euclidean.mine(x, labels: labels))
        #expect(other.value == byHand.value && other.gradient.scalars == byHand.gradient.scalars)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let x: Tensor<Double> = randomMatrix(14, 5, seed: 52)
        let labels = (0..<14).map { $0 % 4 }
        let loss = MultiSimilarityLoss<Double>(beta: 10)
        let report = try checkGradients(at: x) { try loss($0, labels: labels, minedBy: MultiSimilarityMiner(epsilon: 0.3)) }
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(report)")
    }

    @Test func degenerateBatchesGiveZero() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 53)
        for labels in [[0, 0, 0, 0, 0], [0, 1, 2, 3, 4]] {
            let (value, gradient) = try MultiSimilarityLoss<Double>().valueWithGradient(
                embeddings: x, labels: labels, minedBy: MultiSimilarityMiner())
            #expect(value == 0 && gradient.scalars.allSatisfy { $0 == 0 })
        }
    }
}
