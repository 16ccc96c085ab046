import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

@Suite("Distance-weighted miner")
struct DistanceWeightedMinerTests {
    static func batch(n: Int = 256, width: Int = 16, classes: Int = 16) -> (Tensor<Double>, [Int]) {
        (randomMatrix(n, width, seed: 5), (0..<n).map { $0 % classes })
    }

    @Test func triplets_are_valid_and_respect_the_cutoff() throws {
        let (x, labels) = Self.batch()
        let miner = DistanceWeightedMiner<Double>(cutoff: 0.5, nonzeroLossCutoff: 1.4, seed: 3)
        guard case .triplets(let triplets) = try miner.mine(x, labels: labels) else { Issue.record("not triplets"); return }
        let d = try EuclideanDistance<Double>().matrix(x, x)
        // Every anchor of a class with two or more members draws as many triplets as its class has members.
        #expect(triplets.count == 256 * 16)
        for t in triplets {
            let (a, p, n) = (Int(t.anchor), Int(t.positive), Int(t.negative))
            #expect(a != p && labels[a] == labels[p] && labels[a] != labels[n])
            #expect(d[a, n] < 1.4)
        }
    }

    @Test func reproducibleForASeed() throws {
        let (x, labels) = Self.batch(n: 64)
        let a = try DistanceWeightedMiner<Double>(seed: 11).mine(x, labels: labels)
        let b = try DistanceWeightedMiner<Double>(seed: 11).mine(x, labels: labels)
        let c = try DistanceWeightedMiner<Double>(seed: 12).mine(x, labels: labels)
        #expect(a == b)
        #expect(a != c)
    }

    /// Weights ∝ q(d)⁻¹ flatten the concentrated distance distribution of a sphere: the
    /// sampled negative distances spread more evenly than uniformly sampled negatives.
    @Test func sampledDistancesSpreadMoreEvenlyThanUniformSampling() throws {
        let (x, labels) = Self.batch(n: 384, width: 32, classes: 12)
        let d = try EuclideanDistance<Double>().matrix(x, x)
        let miner = DistanceWeightedMiner<Double>(cutoff: 0.5, nonzeroLossCutoff: 2.0, seed: 1)
        guard case .triplets(let triplets) = try miner.mine(x, labels: labels) else { return }
        let weighted = triplets.map { d[Int($0.anchor), Int($0.negative)] }
        var g = SeededRandomGenerator(seed: 2)
        let uniform: [Double] = triplets.map { t in
            var n = 0
            repeat { n = g.nextIndex(below: labels.count) } while labels[n] == labels[Int(t.anchor)]
            return d[Int(t.anchor), n]
        }
        func standardDeviation(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
        }
        #expect(standardDeviation(weighted) > 1.5 * standardDeviation(uniform),
                "weighted sd \(standardDeviation(weighted)), uniform sd \(standardDeviation(uniform))")
        // The weighting favours the rare close negatives.
        let weightedMean: Double = weighted.reduce(0, +) / Double(weighted.count)
        let uniformMean: Double = uniform.reduce(0, +) / Double(uniform.count)
        #expect(weightedMean < uniformMean)
    }

    @Test func degenerateBatchesGiveNoTriplets() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 1)
        #expect(try DistanceWeightedMiner<Double>().mine(x, labels: [0, 1, 2, 3, 4]).isEmpty)
        #expect(try DistanceWeightedMiner<Double>().mine(x, labels: [7, 7, 7, 7, 7]).isEmpty)
    }
}
