import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// `PackagedTripletsMiner` reads rows 3k, 3k + 1, 3k + 2 as triplet k, whatever the labels.
@Suite("Packaged triplets miner")
struct PackagedTripletsMinerTests {
    static let x: Tensor<Double> = randomMatrix(9, 4, seed: 21)

    static func triplets(_ count: Int, offset: Int32 = 0) -> MinedTuples {
        .triplets((0..<Int32(count)).map { IndexTriplet(anchor: 3 * $0, positive: offset + 3 * $0 + 1, negative: offset + 3 * $0 + 2) })
    }

    @Test func theLayoutMakesTheTriplets() throws {
        let miner = PackagedTripletsMiner<Double>()
        for labels in [[0, 0, 1, 2, 2, 0, 1, 1, 2], Array(repeating: 5, count: 9), Array(0..<9)] {
            #expect(try miner.mine(Self.x, labels: labels) == Self.triplets(3))
        }
        // The loss over them is the triplet loss of those rows.
        let loss = TripletMarginLoss<Double>(margin: 0.2)
        let labels = [0, 0, 1, 2, 2, 0, 1, 1, 2]
        let (viaMiner, gradient) = try loss.valueWithGradient(embeddings: Self.x, labels: labels, minedBy: miner)
        let (listed, listedGradient) = try loss.valueWithGradient(embeddings: Self.x, labels: labels, tuples: Self.triplets(3))
        #expect(viaMiner == listed && gradient == listedGradient)
    }

    @Test func referencesAreIndexedAtTheBatchsRows() throws {
        let miner = PackagedTripletsMiner<Double>()
        let labels = Array(repeating: 0, count: 9)
        let memory: Tensor<Double> = randomMatrix(14, 4, seed: 22)
        let withBatch = try Tensor<Double>(shape: [14, 4], scalars: Array(memory.scalars[..<16]) + Self.x.scalars + Array(memory.scalars[52...]))
        let inside = BatchInputs(embeddings: Self.x, labels: labels, references: withBatch, referenceLabels: Array(repeating: 1, count: 14), selfOffset: 4)
        #expect(try miner.mine(inside) == Self.triplets(3, offset: 4))
        // Separate references: indexed as PML indexes ref_emb, and they must reach the batch's rows.
        #expect(try miner.mine(Self.x, labels: labels, references: memory, referenceLabels: Array(repeating: 1, count: 14)) == Self.triplets(3))
        #expect(throws: MetricLearningError.self) {
            try miner.mine(Self.x, labels: labels, references: randomMatrix(8, 4, seed: 23), referenceLabels: Array(repeating: 1, count: 8))
        }
    }

    @Test func aBatchOfOtherThanThreeKRowsThrows() {
        for n in [1, 2, 4, 10] {
            #expect(throws: MetricLearningError.self, "\(n) rows") {
                try PackagedTripletsMiner<Double>().mine(randomMatrix(n, 4, seed: 24), labels: Array(repeating: 0, count: n))
            }
        }
    }
}
