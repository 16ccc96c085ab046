import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// `UniformHistogramMiner` draws at random, so PML's pairs cannot be reproduced; these
/// check its semantics: the bins, exactly k draws from every non-empty bin, valid pairs,
/// and reproducible draws.
@Suite("Uniform histogram miner")
struct UniformHistogramMinerTests {
    static let x: Tensor<Double> = randomMatrix(40, 6, seed: 12)
    static let labels = (0..<40).map { $0 % 5 }

    @Test func binsAreEqualWidthFromTheSmallestToTheLargest() {
        let bins = UniformHistogramMiner<Double>.bins(of: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 2.5, 9.999], count: 4)
        #expect(bins == [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 1, 3])  // edges 0, 2.5, 5, 7.5, 10
        // Equal values all fall in the last bin (the only closed one), as in PML.
        #expect(UniformHistogramMiner<Double>.bins(of: [3, 3, 3], count: 5) == [4, 4, 4])
        #expect(UniformHistogramMiner<Double>.bins(of: [], count: 5).isEmpty)
    }

    @Test func drawsExactlyKFromEveryNonEmptyBin() throws {
        for (distance, binCount) in [(EuclideanDistance<Double>() as any Distance<Double>, 10), (CosineSimilarity(), 7), (EuclideanDistance(), 1)] {
            let miner = UniformHistogramMiner<Double>(binCount: binCount, positivesPerBin: 4, negativesPerBin: 3, distance: distance, seed: 5)
            let inputs = BatchInputs(embeddings: Self.x, labels: Self.labels)
            guard case .pairs(let positive, let negative) = try miner.mine(inputs) else { Issue.record("not pairs"); return }
            let d = try distance.matrix(Self.x, Self.x)
            let (allPositive, allNegative) = inputs.pairing.allPairs().asPairs()
            for (drawn, all, perBin) in [(positive, allPositive, 4), (negative, allNegative, 3)] {
                let value = { (p: IndexPair) in d[Int(p.anchor), Int(p.other)] }
                let bins = UniformHistogramMiner<Double>.bins(of: all.map(value), count: binCount)
                let binOf = Dictionary(uniqueKeysWithValues: zip(all, bins))
                var counts = [Int](repeating: 0, count: binCount)
                for pair in drawn { counts[binOf[pair]!] += 1 }
                #expect(counts == (0..<binCount).map { b in bins.contains(b) ? perBin : 0 }, "\(binCount) bins")
                // Bin by bin, in increasing order.
                #expect(drawn.map { binOf[$0]! } == drawn.map { binOf[$0]! }.sorted())
            }
        }
    }

    @Test func drawsWithinABinAreUniform() throws {
        // One bin: every draw is uniform over all positive pairs.
        let miner = UniformHistogramMiner<Double>(binCount: 1, positivesPerBin: 30_000, negativesPerBin: 0, seed: 2)
        guard case .pairs(let positive, let negative) = try miner.mine(Self.x, labels: Self.labels) else { return }
        let all = BatchInputs(embeddings: Self.x, labels: Self.labels).pairing.allPairs().asPairs().positive
        var counts: [IndexPair: Int] = [:]
        for pair in positive { counts[pair, default: 0] += 1 }
        let expected = 30_000.0 / Double(all.count)
        let chiSquared = all.map { Double(counts[$0, default: 0]) - expected }.map { $0 * $0 / expected }.reduce(0, +)
        // 279 degrees of freedom: the 0.999 quantile is about 370.
        #expect(negative.isEmpty && chiSquared < 370, "χ² = \(chiSquared) over \(all.count) pairs")
    }

    @Test func reproducibleForASeedAndAdvancingAGenerator() throws {
        let inputs = BatchInputs(embeddings: Self.x, labels: Self.labels)
        let miner = UniformHistogramMiner<Double>(binCount: 6, positivesPerBin: 2, negativesPerBin: 2, seed: 11)
        #expect(try miner.mine(inputs) == miner.mine(inputs))
        var other = miner
        other.seed = 12
        #expect(try miner.mine(inputs) != other.mine(inputs))
        var generator = SeededRandomGenerator(seed: 11)
        let first = try miner.mine(inputs, using: &generator)
        #expect(try first == miner.mine(inputs) && first != miner.mine(inputs, using: &generator))
    }

    @Test func degenerateAndBadInput() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 1)
        #expect(try UniformHistogramMiner<Double>().mine(x, labels: [0, 1, 2, 3, 4]).asPairs().positive.isEmpty)
        #expect(try UniformHistogramMiner<Double>().mine(x, labels: [7, 7, 7, 7, 7]).asPairs().negative.isEmpty)
        for miner in [UniformHistogramMiner<Double>(binCount: 0), UniformHistogramMiner(positivesPerBin: -1), UniformHistogramMiner(negativesPerBin: -2)] {
            #expect(throws: MetricLearningError.self) { try miner.mine(x, labels: [0, 0, 1, 1, 2]) }
        }
    }
}
