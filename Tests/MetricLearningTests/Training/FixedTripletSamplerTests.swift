import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricTraining

/// `FixedTripletSampler`: one set of triplets, served in a new order each epoch, in the
/// layout `PackagedTripletsMiner` reads.
@Suite("Fixed triplet sampler")
struct FixedTripletSamplerTests {
    /// 5 classes; class 4 has one row.
    static let labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 4, 2]

    @Test func triplesAreValidAndFixedBySeed() throws {
        let sampler = try FixedTripletSampler(labels: Self.labels, tripletCount: 500, batchSize: 30, seed: 4)
        #expect(sampler.triplets.count == 500)
        for (a, p, n) in sampler.triplets {
            #expect(Self.labels[a] == Self.labels[p] && Self.labels[a] != Self.labels[n])
            #expect(a != p || Self.labels[a] == 4)
        }
        #expect(sampler.triplets.contains { Self.labels[$0.anchor] == 4 } && sampler.triplets.contains { Self.labels[$0.negative] == 4 })
        let again = try FixedTripletSampler(labels: Self.labels, tripletCount: 500, batchSize: 30, seed: 4)
        let other = try FixedTripletSampler(labels: Self.labels, tripletCount: 500, batchSize: 30, seed: 5)
        #expect(again.triplets.elementsEqual(sampler.triplets, by: ==) && !other.triplets.elementsEqual(sampler.triplets, by: ==))
    }

    @Test func eachEpochIsTheSetInANewOrder() throws {
        let sampler = try FixedTripletSampler(labels: Self.labels, tripletCount: 50, batchSize: 12, seed: 1)
        func packed(_ epoch: Int) -> [[Int]] {
            let rows = sampler.batches(epoch: epoch).flatMap { $0 }
            return stride(from: 0, to: rows.count, by: 3).map { Array(rows[$0..<($0 + 3)]) }
        }
        let set = sampler.triplets.map { [$0.anchor, $0.positive, $0.negative] }
        for epoch in 0..<3 {
            let batches = sampler.batches(epoch: epoch)
            #expect(batches.count == 13 && sampler.batchesPerEpoch == 13)
            #expect(batches.dropLast().allSatisfy { $0.count == 12 } && batches.last?.count == 6)
            #expect(packed(epoch).sorted { $0.lexicographicallyPrecedes($1) } == set.sorted { $0.lexicographicallyPrecedes($1) })
        }
        #expect(packed(0) != packed(1) && sampler.batches(epoch: 1) == sampler.batches(epoch: 1))
    }

    /// Its batches are what `PackagedTripletsMiner` reads: every mined triplet pairs the labels rightly.
    @Test func feedsThePackagedTripletsMiner() throws {
        let sampler = try FixedTripletSampler(labels: Self.labels, tripletCount: 20, batchSize: 9, seed: 2)
        let features: Tensor<Double> = randomMatrix(Self.labels.count, 4, seed: 3)
        let data = try LabeledDataset(features: features, labels: Self.labels)
        for rows in sampler.batches(epoch: 0) {
            let batch = try data.subset(rows)
            let tuples = try PackagedTripletsMiner<Double>().mine(batch.features, labels: batch.labels)
            for t in tuples.asTriplets() {
                #expect(batch.labels[Int(t.anchor)] == batch.labels[Int(t.positive)] && batch.labels[Int(t.anchor)] != batch.labels[Int(t.negative)])
            }
            let value = try TripletMarginLoss<Double>().valueWithGradient(embeddings: batch.features, labels: batch.labels,
                                                                          minedBy: PackagedTripletsMiner()).value
            #expect(value.isFinite)
        }
    }

    @Test func badArgumentsThrow() {
        #expect(throws: MetricLearningError.self) { try FixedTripletSampler(labels: Self.labels, tripletCount: 0, batchSize: 3) }
        #expect(throws: MetricLearningError.self) { try FixedTripletSampler(labels: Self.labels, tripletCount: 5, batchSize: 4) }
        #expect(throws: MetricLearningError.self) { try FixedTripletSampler(labels: Self.labels, tripletCount: 5, batchSize: 0) }
        #expect(throws: MetricLearningError.self) { try FixedTripletSampler(labels: [1, 1, 1], tripletCount: 5, batchSize: 3) }
        #expect(throws: MetricLearningError.self) { try FixedTripletSampler(labels: [], tripletCount: 5, batchSize: 3) }
    }
}
