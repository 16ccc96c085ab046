import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Degenerate but valid batches in `Float`, wide enough (16 columns) that the vectorised
/// kernels run, and at magnitudes near the ends of `Float`'s range: every loss, after each
/// kind of miner, through the fused mining paths and against references, gives a finite
/// value and gradient (or names an overflow where the result itself exceeds `Float`).
@Suite("Degenerate batches in Float")
struct FloatDegenerateBatchTests {
    /// (name, embeddings, labels): 24 rows (sparse pair paths) and 6 rows (dense paths).
    static func batches() -> [(String, Tensor<Float>, [Int])] {
        var out: [(String, Tensor<Float>, [Int])] = []
        for n in [24, 6] {
            let x: Tensor<Float> = randomMatrix(n, 16, seed: 5)
            let labels = (0..<n).map { $0 % 3 }
            // Four distinct rows, repeated.
            var repeated: [Float] = []
            for i in 0..<n {
                let source = (i % 4) * 16
                repeated += x.scalars[source..<(source + 16)]
            }
            out += [
                ("\(n) rows, one class", x, Array(repeating: 7, count: n)),
                ("\(n) rows, all labels distinct", x, Array(0..<n)),
                ("\(n) rows, duplicate embeddings", try! Tensor(shape: [n, 16], scalars: repeated), labels),
                ("\(n) rows, zero vectors", try! Tensor<Float>.zeros(shape: [n, 16]), labels),
            ]
            // 1e-20: squared distances are subnormal and 1/ε-sized loss gradients meet tiny distances.
            for magnitude: Float in [1e6, 1e12, 1e-10, 1e-20, 1e-30] {
                out.append(("\(n) rows, magnitude \(magnitude)", x * magnitude, labels))
            }
        }
        return out
    }

    static var miners: [any Miner<Float>] { Registry.miners().map(\.object) }

    static func expectFinite(_ what: String, _ value: Float, _ gradients: Tensor<Float>...,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(value.isFinite && gradients.allSatisfy(\.isFinite), "\(what): value \(value)", sourceLocation: sourceLocation)
    }

    /// The value and gradients of `call` are finite; or `call` throws `.overflow` and the same
    /// call in Double (`inDouble`) gives a value or gradient beyond Float's range (VICReg's
    /// fourth powers of 1e12 are): a result the type cannot hold is named, not returned.
    static func expectFiniteOrOverflow(_ what: String, _ call: () throws -> [Float], inDouble: () throws -> [Double],
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        do {
            let results = try call()
            #expect(results.allSatisfy { $0.isFinite }, "\(what): value \(results[0])", sourceLocation: sourceLocation)
        } catch let error as MetricLearningError where error.kind == .overflow {
            let beyond = try inDouble().contains { Swift.abs($0) > Double(Float.greatestFiniteMagnitude) }
            #expect(beyond, "\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    static func double(_ x: Tensor<Float>) -> Tensor<Double> { Tensor(uncheckedShape: x.shape, scalars: x.scalars.map(Double.init)) }

    @Test(arguments: Registry.metricLossNames) func everyLossIsFinite(name: String) throws {
        let entry = Registry.metricLoss(name, as: Float.self), loss = entry.object, lossD = Registry.metricLoss(name).object
        for (batch, x, suiteLabels) in Self.batches() {
            let labels = entry.traits.labels(suiteLabels)
            try Self.expectFiniteOrOverflow("\(name) on \(batch)", {
                let r = try loss.valueWithGradient(embeddings: x, labels: labels)
                return [r.value] + r.gradient.scalars
            }, inDouble: {
                let r = try lossD.valueWithGradient(embeddings: Self.double(x), labels: labels)
                return [r.value] + r.gradient.scalars
            })
            for miner in entry.traits.contains(.noTuples) ? [] : Self.miners {
                let mined = try loss.valueWithGradient(embeddings: x, labels: labels, tuples: miner.mine(x, labels: labels))
                Self.expectFinite("\(name) after \(type(of: miner)) on \(batch)", mined.value, mined.gradient)
            }
            let half = x.shape[0] / 2
            let anchors = try Tensor<Float>(shape: [half, 16], scalars: Array(x.scalars[..<(half * 16)]))
            let references = try Tensor<Float>(shape: [x.shape[0] - half, 16], scalars: Array(x.scalars[(half * 16)...]))
            if entry.traits.contains(.batchOnly) { continue }
            func against<S: TensorScalar>(_ loss: any MetricLoss<S>, _ anchors: Tensor<S>, _ references: Tensor<S>) throws -> [S] {
                let r = try loss.valueWithGradients(embeddings: anchors, labels: Array(labels[..<half]),
                                                    references: references, referenceLabels: Array(labels[half...]))
                return [r.value] + r.embeddingsGradient.scalars + r.referencesGradient.scalars
            }
            try Self.expectFiniteOrOverflow("\(name) against references on \(batch)", { try against(loss, anchors, references) },
                                            inDouble: { try against(lossD, Self.double(anchors), Self.double(references)) })
        }
    }

    @Test func fusedMiningPathsAreFinite() throws {
        let multiSimilarity = [MultiSimilarityLoss<Float>(), MultiSimilarityLoss(distance: DotProductSimilarity()),
                               MultiSimilarityLoss(alpha: 1, beta: 5, base: 1, distance: EuclideanDistance())]
        for (batch, x, labels) in Self.batches() {
            for type in TripletMarginMiner<Float>.TripletType.allCases {
                let r = try TripletMarginLoss<Float>(margin: 0.1).valueWithGradient(
                    embeddings: x, labels: labels, minedBy: TripletMarginMiner(margin: 0.1, type: type))
                Self.expectFinite("triplet fused with \(type) mining on \(batch)", r.value, r.gradient)
            }
            for loss in multiSimilarity {
                let r = try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: MultiSimilarityMiner())
                Self.expectFinite("multi-similarity fused with its miner on \(batch)", r.value, r.gradient)
            }
        }
    }
}
