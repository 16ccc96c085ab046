import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// `HDCMiner`: ⌈f·P⌉ hardest positive pairs and ⌈f·Q⌉ hardest negative pairs, ties at the
/// cut broken as PyTorch's CPU `topk` breaks them.
@Suite("HDC miner")
struct HDCMinerTests {
    /// torch.topk(v, k, largest) on v_i = (37·i + 11·s) mod m, as sorted positions (PyTorch
    /// 2.x, CPU, float64): (n, m, s, k, largest, positions). Both algorithms: heap selection
    /// (64·k ≤ n) and introselect.
    static let torchCases: [(Int, Int, Int, Int, Bool, [Int])] = [
        (40, 5, 1, 17, true, [1, 4, 6, 8, 9, 11, 14, 16, 19, 21, 24, 26, 29, 31, 34, 36, 39]),
        (40, 5, 1, 17, false, [0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 28, 30, 32, 35, 37]),
        (23, 3, 2, 9, true, [1, 3, 4, 7, 10, 13, 16, 19, 22]),
        (23, 3, 2, 9, false, [0, 2, 5, 8, 11, 14, 17, 18, 20]),
        (200, 4, 3, 3, true, [2, 6, 10]),
        (200, 4, 3, 3, false, [3, 7, 11]),
        (130, 2, 4, 2, true, [1, 3]),
        (130, 2, 4, 2, false, [0, 2]),
        (64, 7, 5, 30, true, [0, 3, 6, 7, 10, 13, 14, 17, 20, 21, 24, 27, 28, 31, 34, 35, 38, 41, 42, 44, 45, 48, 49, 51, 52, 55, 56, 59, 62, 63]),
        (9, 2, 6, 4, false, [0, 4, 6, 8]),
    ]

    @Test func topSelectionBreaksTiesAsPyTorch() {
        for (n, m, s, k, largest, expected) in Self.torchCases {
            let values = (0..<n).map { Double((37 * $0 + 11 * s) % m) }
            #expect(TopSelection.positions(of: values, count: k, largest: largest) == expected, "n \(n), k \(k), largest \(largest)")
            #expect(TopSelection.positions(of: values.map { Float($0) }, count: k, largest: largest) == expected)
        }
    }

    @Test func keepsTheHardestFraction() throws {
        let x: Tensor<Double> = randomMatrix(17, 4, seed: 8)
        let labels = (0..<17).map { ($0 * 3) % 5 }
        let refs: Tensor<Double> = randomMatrix(12, 4, seed: 9)
        let referenceLabels = (0..<12).map { $0 % 4 }
        for distance in [EuclideanDistance<Double>(), CosineSimilarity()] as [any Distance<Double>] {
            for fraction in [0, 0.1, 0.3, 0.5, 0.77, 1] {
                for (y, yLabels, own) in [(x, labels, 0 as Int?), (refs, referenceLabels, nil)] {
                    let d = try distance.matrix(x, y)
                    let inputs = own == nil ? BatchInputs(embeddings: x, labels: labels, references: y, referenceLabels: yLabels)
                        : BatchInputs(embeddings: x, labels: labels)
                    guard case .pairs(let positive, let negative) = try HDCMiner(filterPercentage: fraction, distance: distance).mine(inputs) else {
                        Issue.record("not pairs"); return
                    }
                    let (allPositive, allNegative) = inputs.pairing.allPairs().asPairs()
                    // Hardness h: larger is harder (far positives, near negatives).
                    func check(_ kept: [IndexPair], _ all: [IndexPair], farIsHard: Bool) {
                        #expect(kept.count == Int((fraction * Double(all.count)).rounded(.up)), "\(fraction)")
                        let sign = (farIsHard != distance.isSimilarity) ? 1.0 : -1.0
                        let hardness = { (p: IndexPair) in sign * d[Int(p.anchor), Int(p.other)] }
                        let keptSet = Set(kept)
                        let easiestKept = kept.map(hardness).min() ?? .infinity
                        let hardestDropped = all.filter { !keptSet.contains($0) }.map(hardness).max() ?? -.infinity
                        #expect(keptSet.isSubset(of: all) && keptSet.count == kept.count && easiestKept >= hardestDropped)
                    }
                    check(positive, allPositive, farIsHard: true)
                    check(negative, allNegative, farIsHard: false)
                }
            }
        }
    }

    @Test func badFractionsThrow() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1)
        for fraction in [-0.1, 1.5, .nan, .infinity] {
            #expect(throws: MetricLearningError.self, "\(fraction)") { try HDCMiner<Double>(filterPercentage: fraction).mine(x, labels: [0, 0, 1, 1, 2, 2]) }
        }
    }
}
