import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// `AngularMiner` against its definition, triplet by triplet: θ = atan(‖a − p + ε‖ / (2‖n − c + ε‖))
/// on the embeddings as given, kept when θ exceeds the angle.
@Suite("Angular miner")
struct AngularMinerTests {
    /// The triplets the definition keeps, anchors in `x`, others in `y`, `own` the self offset.
    static func expected(_ x: Tensor<Double>, _ labels: [Int], _ y: Tensor<Double>, _ refs: [Int], own: Int?, degrees: Double) -> [IndexTriplet] {
        let (n, m, d) = (labels.count, refs.count, x.shape[1])
        func distance(_ u: [Double], _ v: [Double]) -> Double {
            zip(u, v).map { ($0 - $1 + 1e-6) * ($0 - $1 + 1e-6) }.reduce(0, +).squareRoot()
        }
        let row = { (t: Tensor<Double>, i: Int) in Array(t.scalars[(i * d)..<(i * d + d)]) }
        var out: [IndexTriplet] = []
        for a in 0..<n { for p in 0..<m where refs[p] == labels[a] && p != own.map({ $0 + a }) { for q in 0..<m where refs[q] != labels[a] {
            let centre = zip(row(x, a), row(y, p)).map { ($0 + $1) / 2 }
            let angle = atan(distance(row(x, a), row(y, p)) / (2 * distance(row(y, q), centre)))
            if angle > degrees * .pi / 180 { out.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(q))) }
        } } }
        return out
    }

    @Test func matchesTheDefinition() throws {
        let x: Tensor<Double> = randomMatrix(15, 5, seed: 3, scale: 2)
        let labels = (0..<15).map { ($0 * 7) % 4 }
        let refs: Tensor<Double> = randomMatrix(11, 5, seed: 4)
        let referenceLabels = (0..<11).map { $0 % 3 }
        for degrees in [0.0, 10, 20, 35, 45, 60, 89] {
            let miner = AngularMiner<Double>(angleDegrees: degrees)
            #expect(try miner.mine(x, labels: labels) == .triplets(Self.expected(x, labels, x, labels, own: 0, degrees: degrees)), "\(degrees)°")
            #expect(try miner.mine(x, labels: labels, references: refs, referenceLabels: referenceLabels)
                    == .triplets(Self.expected(x, labels, refs, referenceLabels, own: nil, degrees: degrees)), "\(degrees)° against references")
        }
    }

    @Test func floatAgreesWithDoubleAwayFromTheThreshold() throws {
        let x: Tensor<Double> = randomMatrix(24, 8, seed: 5)
        let labels = (0..<24).map { $0 % 5 }
        guard case .triplets(let double) = try AngularMiner<Double>().mine(x, labels: labels),
              case .triplets(let float) = try AngularMiner<Float>().mine(Tensor(shape: x.shape, scalars: x.scalars.map { Float($0) }), labels: labels) else { return }
        // The two may differ only at angles within rounding of 20°.
        #expect(Set(double).symmetricDifference(float).count <= 2, "\(double.count) vs \(float.count)")
        #expect(!double.isEmpty)
    }

    @Test func badAnglesThrow() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1)
        for degrees in [-1, 90, 120, .nan, .infinity] as [Double] {
            #expect(throws: MetricLearningError.self, "\(degrees)") { try AngularMiner<Double>(angleDegrees: degrees).mine(x, labels: [0, 0, 1, 1, 2, 2]) }
        }
    }
}
