import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites (which see a fresh loss, PML's first call) and the catalogue case
/// leave out of `DynamicSoftMarginLoss`: successive calls carrying the histogram, against
/// references and over listed pairs, as PML 2.9 computes them
/// (`Fixtures/dynamic_soft_margin_calls.json`, from `Scripts/make_soft_margin_calls.py`);
/// the pure call; triplets beyond PML's domain; bad hyperparameters.
@Suite("Dynamic soft margin loss: the running histogram, PML's successive calls, bad input")
struct DynamicSoftMarginLossTests {
    struct Call {
        let embeddings: Tensor<Double>, labels: [Int], references: Tensor<Double>?, referenceLabels: [Int]?
        let tuples: MinedTuples?, loss: Double, gradEmbeddings: [Double], gradReferences: [Double]?, histogram: [Double]
    }

    static let calls: [Call] = {
        let url = Bundle.module.url(forResource: "dynamic_soft_margin_calls", withExtension: "json", subdirectory: "Fixtures")!
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["calls"] as! [[String: Any]]).map { c in
            func matrix(_ key: String) -> Tensor<Double>? { (c[key] as? [[Double]]).map { try! Tensor(rows: $0) } }
            func pairs(_ key: String) -> [IndexPair]? { (c[key] as? [[Int]])?.map { IndexPair(anchor: Int32($0[0]), other: Int32($0[1])) } }
            let tuples = pairs("positive_pairs").map { MinedTuples.pairs(positive: $0, negative: pairs("negative_pairs")!) }
            return Call(embeddings: matrix("embeddings")!, labels: c["labels"] as! [Int], references: matrix("references"),
                        referenceLabels: c["reference_labels"] as? [Int], tuples: tuples, loss: c["loss"] as! Double,
                        gradEmbeddings: matrix("grad_embeddings")!.scalars, gradReferences: matrix("grad_references")?.scalars,
                        histogram: c["histogram"] as! [Double])
        }
    }()

    static func inputs(_ call: Call, _ v: [Variable<Double>]) -> BatchInputs<Double> {
        guard let referenceLabels = call.referenceLabels else { return BatchInputs(embeddings: v[0], labels: call.labels) }
        return BatchInputs(embeddings: v[0], labels: call.labels, references: v[1], referenceLabels: referenceLabels)
    }

    @Test func successiveCallsMatchPML() throws {
        var loss = DynamicSoftMarginLoss<Double>(momentum: 0.3)
        #expect(Self.calls.count == 3)
        for (index, call) in Self.calls.enumerated() {
            let tensors = [call.embeddings] + (call.references.map { [$0] } ?? [])
            // The pure call gives the same value and leaves the histogram as it was.
            let before = loss.histogram
            let (pure, _) = try valueWithGradient(at: tensors) { try loss(Self.inputs(call, $0), tuples: call.tuples) }
            #expect(loss.histogram == before)
            let (value, gradients) = try valueWithGradient(at: tensors) { try loss.update(Self.inputs(call, $0), tuples: call.tuples) }
            #expect(pure == value, "call \(index)")
            expectClose([value], [call.loss], atol: 1e-8, rtol: 1e-6, "call \(index) loss")
            expectClose(gradients[0].scalars, call.gradEmbeddings, atol: 1e-8, rtol: 1e-6, "call \(index) embeddings gradient")
            if let expected = call.gradReferences { expectClose(gradients[1].scalars, expected, atol: 1e-8, rtol: 1e-6, "call \(index) references gradient") }
            expectClose(loss.histogram, call.histogram, atol: 1e-12, rtol: 1e-10, "call \(index) histogram")
        }
    }

    @Test func theNextHistogramIsAnExplicitValue() throws {
        let x: Tensor<Double> = randomMatrix(10, 4, seed: 3), labels = (0..<10).map { $0 % 3 }
        var loss = DynamicSoftMarginLoss<Double>(binCount: 6, momentum: 0.5)
        let (first, next) = try loss.loss(BatchInputs(embeddings: x, labels: labels), tuples: nil)
        #expect(loss.histogram.allSatisfy { $0 == 0 } && next.count == 6 && Swift.abs(next.reduce(0, +) - 1) < 1e-12)
        #expect(try loss.update(BatchInputs(embeddings: x, labels: labels)).value.scalars == first.value.scalars)
        #expect(loss.histogram == next)
        // Without a triplet: 0, and the histogram stays.
        let none = try loss.update(BatchInputs(embeddings: x, labels: Array(0..<10)))
        #expect(none.value.scalars == [0] && loss.histogram == next)
        let empty = try loss.loss(BatchInputs(embeddings: x, labels: labels), tuples: .triplets([]))
        #expect(empty.loss.value.scalars == [0] && empty.histogram == next)
    }

    /// x = d_ap − d_an ≥ 1.6 (p ≥ bins − 1, where PML's `scatter_add` raises an index error)
    /// counts in the last bin; the loss is finite and its gradient agrees with finite differences.
    @Test func tripletsBeyondPMLsDomainCountInTheEndBins() throws {
        // Anchor 0 and its positive 1 nearly opposite, its negative 2 close: x ≈ 1.9.
        let x = try Tensor<Double>(rows: [[1, 0.1, 0], [-1, 0.05, 0.1], [0.95, 0.2, 0.05], [-0.9, 0.3, -0.2], [0.2, 1, 0.1], [0.1, -1, 0.3]])
        let labels = [0, 0, 1, 1, 2, 2]
        let loss = DynamicSoftMarginLoss<Double>()
        let (value, gradient) = try loss.valueWithGradient(embeddings: x, labels: labels)
        #expect(value.isFinite && gradient.isFinite)
        let distances = try EuclideanDistance<Double>().matrix(x, x)
        #expect(distances[0, 1] - distances[0, 2] > 1.6)
        let report = try checkGradients(at: x) { try loss($0, labels: labels) }
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "\(report)")
    }

    @Test func badHyperparametersThrow() {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 1), labels = [0, 1, 0, 1, 2, 2]
        var wrongCount = DynamicSoftMarginLoss<Double>()
        wrongCount.histogram = [1, 0]
        var negative = DynamicSoftMarginLoss<Double>(binCount: 2)
        negative.histogram = [1, -0.5]
        let cases: [(String, DynamicSoftMarginLoss<Double>)] = [
            ("minimumValue = 0", DynamicSoftMarginLoss(minimumValue: 0)), ("minimumValue = nan", DynamicSoftMarginLoss(minimumValue: .nan)),
            ("binCount = 0", DynamicSoftMarginLoss(binCount: 0)), ("binCount = -3", DynamicSoftMarginLoss(binCount: -3)),
            ("momentum = 1.5", DynamicSoftMarginLoss(momentum: 1.5)), ("momentum = -inf", DynamicSoftMarginLoss(momentum: -.infinity)),
            ("histogram.count = 2", wrongCount), ("histogram = [1.0, -0.5]", negative),
            ("must be a distance", DynamicSoftMarginLoss(distance: CosineSimilarity())),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try loss.valueWithGradient(embeddings: x, labels: labels)
            }
        }
    }
}
