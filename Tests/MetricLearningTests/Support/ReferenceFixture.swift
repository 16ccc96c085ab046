import Foundation
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// One case of `Fixtures/losses_and_miners.json` (PML 2.9, float64).
struct ReferenceCase {
    let name: String
    let config: [String: Any]
    let miner: [String: Any]?
    let embeddings: Tensor<Double>
    let labels: [Int]
    let weights: Tensor<Double>?
    let mined: MinedTuples?
    let loss: Double
    let gradEmbeddings: [Double]
    let gradWeights: [Double]?

    var lossName: String { config["loss"] as! String }
    func number(_ key: String) -> Double { (config[key] as! NSNumber).doubleValue }
    func flag(_ key: String) -> Bool { (config[key] as? Bool) ?? false }
}

enum ReferenceFixture {
    nonisolated(unsafe) static let cases: [ReferenceCase] = {
        let url = Bundle.module.url(forResource: "losses_and_miners", withExtension: "json", subdirectory: "Fixtures")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map(parse)
    }()

    static func matrix(_ any: Any?) -> Tensor<Double>? {
        guard let rows = any as? [[NSNumber]] else { return nil }
        return try! Tensor(rows: rows.map { $0.map(\.doubleValue) })
    }

    static func parse(_ c: [String: Any]) -> ReferenceCase {
        var mined: MinedTuples?
        if let m = c["mined"] as? [String: Any] {
            func ints(_ key: String) -> [[Int32]] { (m[key] as! [[NSNumber]]).map { $0.map(\.int32Value) } }
            if m["kind"] as! String == "triplets" {
                mined = .triplets(ints("anchor_positive_negative").map { IndexTriplet(anchor: $0[0], positive: $0[1], negative: $0[2]) })
            } else {
                mined = .pairs(positive: ints("positive_pairs").map { IndexPair(anchor: $0[0], other: $0[1]) },
                               negative: ints("negative_pairs").map { IndexPair(anchor: $0[0], other: $0[1]) })
            }
        }
        return ReferenceCase(
            name: c["name"] as! String,
            config: c["config"] as! [String: Any],
            miner: c["miner"] as? [String: Any],
            embeddings: matrix(c["embeddings"])!,
            labels: (c["labels"] as! [NSNumber]).map(\.intValue),
            weights: matrix(c["weights"]),
            mined: mined,
            loss: (c["loss"] as! NSNumber).doubleValue,
            gradEmbeddings: matrix(c["grad_embeddings"])!.scalars,
            gradWeights: matrix(c["grad_weights"])?.scalars)
    }

    static func named(_ name: String) -> ReferenceCase { cases.first { $0.name == name }! }
}
