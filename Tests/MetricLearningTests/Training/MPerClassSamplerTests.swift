import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricTraining

/// `MPerClassSampler`: m rows of each of batchSize / m classes in every batch, seeded.
@Suite("M-per-class sampler")
struct MPerClassSamplerTests {
    /// 10 classes of 2 to 11 rows, interleaved.
    static let labels: [Int] = (0..<10).flatMap { c in Array(repeating: c, count: 2 + c) }.enumerated()
        .sorted { ($0.offset * 7) % 65 < ($1.offset * 7) % 65 }.map(\.element)

    @Test func everyBatchHasMRowsOfEachOfItsClasses() throws {
        for (m, batchSize) in [(4, 32), (2, 8), (3, 30), (1, 5)] {
            let sampler = try MPerClassSampler(labels: Self.labels, itemsPerClass: m, batchSize: batchSize, lengthBeforeNewIteration: 1000, seed: 3)
            let batches = sampler.batches(epoch: 0)
            #expect(batches.count == sampler.batchesPerEpoch && sampler.batchesPerEpoch == 1000 / batchSize)
            for batch in batches {
                #expect(batch.count == batchSize && batch.allSatisfy { Self.labels.indices.contains($0) })
                var rowsOf: [Int: [Int]] = [:]
                for row in batch { rowsOf[Self.labels[row], default: []].append(row) }
                #expect(rowsOf.count == batchSize / m && rowsOf.values.allSatisfy { $0.count == m }, "m \(m)")
                // Without replacement from classes of at least m rows; a class's rows are consecutive.
                for (label, rows) in rowsOf where 2 + label >= m { #expect(Set(rows).count == m) }
                #expect(stride(from: 0, to: batchSize, by: m).allSatisfy { Set(batch[$0..<($0 + m)].map { Self.labels[$0] }).count == 1 })
            }
        }
    }

    @Test func aClassSmallerThanMIsDrawnWithReplacement() throws {
        let sampler = try MPerClassSampler(labels: [0, 0, 1, 2, 2, 2], itemsPerClass: 3, batchSize: 9, lengthBeforeNewIteration: 9)
        let batch = try #require(sampler.batches(epoch: 0).first)
        #expect(batch.filter { $0 == 2 }.count == 3 && batch.filter { $0 < 2 }.count == 3 && Set(batch.filter { $0 > 2 }) == [3, 4, 5])
    }

    @Test func seededAndDifferentEachEpoch() throws {
        let make = { (seed: UInt64) in try MPerClassSampler(labels: Self.labels, itemsPerClass: 4, batchSize: 16, lengthBeforeNewIteration: 160, seed: seed) }
        #expect(try make(1).batches(epoch: 0) == make(1).batches(epoch: 0))
        #expect(try make(1).batches(epoch: 3) == make(1).batches(epoch: 3))
        #expect(try make(1).batches(epoch: 0) != make(1).batches(epoch: 1))
        #expect(try make(1).batches(epoch: 0) != make(2).batches(epoch: 0))
        var g = SeededRandomGenerator(seed: 9)
        let sampler = try make(1)
        #expect(sampler.batches(using: &g) != sampler.batches(using: &g))
    }

    @Test func badArgumentsThrow() {
        let cases: [(Int, Int, Int)] = [(0, 8, 100), (3, 8, 100), (2, 0, 100), (4, 44, 100), (2, 8, 7)]
        for (m, batchSize, length) in cases {
            #expect(throws: MetricLearningError.self, "m \(m), batchSize \(batchSize), length \(length)") {
                try MPerClassSampler(labels: Self.labels, itemsPerClass: m, batchSize: batchSize, lengthBeforeNewIteration: length)
            }
        }
        #expect(throws: MetricLearningError.self) { try MPerClassSampler(labels: [], itemsPerClass: 1, batchSize: 1) }
    }

    /// The sampler's batches drive a training loop like the demo's: subset, loss, step.
    @Test func drivesATrainingLoop() throws {
        let features: Tensor<Float> = randomMatrix(Self.labels.count, 6, seed: 4)
        let data = try LabeledDataset(features: features, labels: Self.labels)
        let sampler = try MPerClassSampler(labels: data.labels, itemsPerClass: 4, batchSize: 16, lengthBeforeNewIteration: 64, seed: 1)
        var parameters = [try Tensor<Float>.randomNormal(shape: [6, 3], standardDeviation: 0.5, seed: 2)]
        var optimizer: any Optimizer<Float> = Adam<Float>(learningRate: 0.01)
        let loss = MultiSimilarityLoss<Float>()
        var values: [Float] = []
        for epoch in 0..<3 {
            for rows in sampler.batches(epoch: epoch) {
                let batch = try data.subset(rows)
                let (value, gradients) = try valueWithGradient(at: parameters) { p in
                    try loss(matmul(Variable(batch.features), p[0]), labels: batch.labels, minedBy: MultiSimilarityMiner())
                }
                try optimizer.update(&parameters, along: gradients)
                values.append(value)
            }
        }
        #expect(values.count == 12 && values.allSatisfy(\.isFinite))
    }
}
