import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// The fused mine-and-reduce path equals mining the triplets and then reducing over them.
@Suite("Fused triplet mining and reduction")
struct FusedTripletTests {
    @Test func equalsMineThenReduce() throws {
        let distances: [any Distance<Double>] = [EuclideanDistance(), CosineSimilarity(), EuclideanDistance(normalizesEmbeddings: false, squared: true)]
        let reducers: [any Reducer<Double>] = [MeanOfNonZeroReducer(), MeanReducer(), SumReducer()]
        for seed in 0..<6 {
            let n = 10 + 7 * seed
            let x: Tensor<Double> = randomMatrix(n, 5, seed: UInt64(seed))
            let labels = (0..<n).map { ($0 * 5 + seed) % (2 + seed) }
            for distance in distances {
                for reducer in reducers {
                    for type in TripletMarginMiner<Double>.TripletType.allCases {
                        for (minerMargin, lossMargin) in [(0.2, 0.2), (0.1, 0.3), (0.5, 0.05)] {
                            let miner = TripletMarginMiner(margin: minerMargin, type: type, distance: distance)
                            let loss = TripletMarginLoss(margin: lossMargin, distance: distance, reducer: reducer)
                            let (fusedValue, fusedGradient) = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
                            let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
                            expectClose([fusedValue], [value], atol: 1e-10, rtol: 1e-9, "\(type) \(reducer)")
                            expectClose(fusedGradient.scalars, gradient.scalars, atol: 1e-10, rtol: 1e-9, "\(type) \(reducer)")
                        }
                    }
                }
            }
        }
    }

    /// Float sorts through packed integer keys; it must agree with mining in Float.
    @Test func floatPathEqualsMineThenReduce() throws {
        for seed in 0..<4 {
            let n = 40 + 30 * seed
            let x: Tensor<Float> = randomMatrix(n, 8, seed: UInt64(seed))
            let labels = (0..<n).map { ($0 * 3) % (3 + seed) }
            for distance in [EuclideanDistance<Float>(), CosineSimilarity<Float>()] as [any Distance<Float>] {
                for type in TripletMarginMiner<Float>.TripletType.allCases {
                    let miner = TripletMarginMiner(margin: 0.2, type: type, distance: distance)
                    let loss = TripletMarginLoss(margin: 0.2, distance: distance)
                    let (fusedValue, fusedGradient) = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
                    let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
                    expectClose([fusedValue], [value], atol: 1e-5, rtol: 1e-4, "\(type)")
                    expectClose(fusedGradient.scalars, gradient.scalars, atol: 1e-5, rtol: 1e-3, "\(type)")
                }
            }
        }
    }

    @Test func matchesTheReferenceSemihardCase() throws {
        let c = ReferenceFixture.named("triplet_semihard_mined")
        let loss = TripletMarginLoss<Double>(margin: 0.2)
        let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels,
                                                           minedBy: TripletMarginMiner(margin: 0.2, type: .semihard))
        expectClose([value], [c.loss])
        expectClose(gradient.scalars, c.gradEmbeddings)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let x: Tensor<Double> = randomMatrix(24, 6, seed: 3)
        let labels = (0..<24).map { $0 % 4 }
        let miner = TripletMarginMiner<Double>(margin: 0.3, type: .semihard)
        let loss = TripletMarginLoss<Double>(margin: 0.3)
        // Finite differences move the inputs, so the mined set is held fixed by a tiny step.
        try expectGradientsMatch([x], atol: 1e-6, rtol: 1e-4) { try loss($0[0], labels: labels, minedBy: miner) }
    }

    @Test func fallsBackWhenNotFusable() throws {
        let x: Tensor<Double> = randomMatrix(12, 4, seed: 4)
        let labels = (0..<12).map { $0 % 3 }
        let miner = TripletMarginMiner<Double>(margin: 0.3, type: .all, distance: CosineSimilarity())
        for loss in [TripletMarginLoss<Double>(margin: 0.2, swap: true), TripletMarginLoss<Double>(margin: 0.2, smooth: true),
                     TripletMarginLoss<Double>(margin: 0.2, reducer: ThresholdReducer(low: 0.01)), TripletMarginLoss<Double>(margin: 0.2)] {
            let (a, ga) = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner)
            let (b, gb) = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
            #expect(a == b && ga == gb)
        }
    }

    @Test func emptyMiningGivesZero() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 1)
        let (v, g) = try TripletMarginLoss<Double>().valueWithGradient(embeddings: x, labels: [0, 1, 2, 3, 4], minedBy: TripletMarginMiner(type: .semihard))
        #expect(v == 0 && g.scalars.allSatisfy { $0 == 0 })
    }
}
