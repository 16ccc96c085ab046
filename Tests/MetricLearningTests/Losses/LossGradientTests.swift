import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Every loss against central finite differences in Double on random batches of several
/// sizes and class counts (with mined tuples fixed, inputs away from hinge kinks), and
/// Float against Double.
@Suite("Loss gradients")
struct LossGradientTests {
    static let batches: [(n: Int, d: Int, classes: Int)] = [(5, 3, 2), (12, 4, 3), (20, 6, 5)]

    static func labels(_ n: Int, _ classes: Int) -> [Int] { (0..<n).map { ($0 * 7 + $0 / 3) % classes } }

    @Test(arguments: Registry.metricLossNames) func metricLossGradients(name: String) throws {
        let entry = Registry.metricLoss(name), loss = entry.object
        let index = Registry.metricLossNames.firstIndex(of: name)!
        for (n, d, classes) in Self.batches {
            let x: Tensor<Double> = randomMatrix(n, d, seed: UInt64(n * 31 + index), scale: entry.traits.contains(.unitBall) ? 0.3 : 1)
            let labels = entry.traits.labels(Self.labels(n, classes))
            let mined = try TripletMarginMiner<Double>(margin: 0.5, type: .all).mine(x, labels: labels)
            // Mined tuples stay fixed while the inputs move; all-tuples too.
            for tuples in entry.traits.contains(.noTuples) ? [nil] : [nil, mined] {
                let report = try checkGradients(at: x) { try loss($0, labels: labels, tuples: tuples) }
                // A detached factor's own test checks the gradient of the detached form instead.
                if !entry.traits.contains(.detachedFactors) {
                    #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "\(name) n=\(n): \(report)")
                }
                // (Balanced labels of a prime N are all distinct: no triplet to mine, no term; pair
                // losses give PML's zero loss for at most one pair of each kind; and a loss at its
                // minimum 0, such as a histogram loss whose pairs are all separated, is flat.)
                let atMostOnePairEach = tuples.map { $0.asPairs().positive.count <= 1 && $0.asPairs().negative.count <= 1 } ?? false
                #expect(tuples?.isEmpty == true || atMostOnePairEach || report.value == 0 || report.elements.contains { $0.analytic != 0 },
                        "\(name) n=\(n): gradient is all zeros (value \(report.value))")
            }
        }
    }

    @Test(arguments: Registry.classifierLossNames) func classifierLossGradients(name: String) throws {
        let loss = Registry.classifierLoss(name).object
        let index = Registry.classifierLossNames.firstIndex(of: name)!
        for (n, d, classes) in Self.batches {
            let x: Tensor<Double> = randomMatrix(n, d, seed: UInt64(n + index))
            // The loss's initial weights: 𝒩(0, 1) in its own layout (sub-centres, proxies).
            let w = try loss.initialWeights(classCount: classes, embeddingSize: d, seed: UInt64(n + 50 + index))
            let labels = Self.labels(n, classes)
            let report = try checkGradients(at: [x, w]) { try loss($0[0], weights: $0[1], labels: labels) }
            // A detached factor's own test checks the gradient of the detached form instead.
            if !Registry.classifierLoss(name).traits.contains(.detachedFactors) {
                #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-4), "\(name) n=\(n): \(report)")
            }
            #expect(report.elements.contains { $0.analytic != 0 }, "\(name) n=\(n): gradient is all zeros")
        }
    }

    @Test func learnableMarginBeta() throws {
        let x: Tensor<Double> = randomMatrix(12, 4, seed: 3)
        let labels = Self.labels(12, 3)
        let loss = MarginLoss<Double>(margin: 0.2, beta: 1.1)
        let report = try checkGradients(at: [x, Tensor(1.1)]) { try loss($0[0], beta: $0[1], labels: labels, tuples: nil) }
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(report)")
        let r = try loss.valueWithGradients(embeddings: x, labels: labels)
        #expect(r.parameterGradients[0].scalars[0] != 0)
        expectClose([r.parameterGradients[0].scalars[0]], [report.elements.last!.numeric], atol: 1e-6, rtol: 1e-5)
    }

    @Test func unitBallProjection() throws {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 9)
        let projection = UnitBallProjection<Double>(radius: 1)
        let projected = projection(Variable(x)).value
        let norms = try projected.rowNorms().scalars
        let original = try x.rowNorms().scalars
        for (p, o) in zip(norms, original) { #expect(Swift.abs(p - Swift.min(o, 1)) < 1e-12) }
        try expectGradientsMatch([x]) { v in (projection(v[0]) * Variable(x)).sum() }
    }

    @Test(arguments: Registry.metricLossNames) func floatAgreesWithDouble(name: String) throws {
        let entry = Registry.metricLoss(name), lossD = entry.object
        let lossF = Registry.metricLoss(name, as: Float.self).object
        let xd: Tensor<Double> = randomMatrix(16, 5, seed: 77, scale: entry.traits.contains(.unitBall) ? 0.3 : 1)
        let xf = try Tensor<Float>(shape: xd.shape, scalars: xd.scalars.map(Float.init))
        let labels = entry.traits.labels(Self.labels(16, 4))
        let (vd, gd) = try lossD.valueWithGradient(embeddings: xd, labels: labels)
        let (vf, gf) = try lossF.valueWithGradient(embeddings: xf, labels: labels)
        expectClose([Double(vf)], [vd], atol: 1e-4, rtol: 1e-4, name)
        expectClose(gf.scalars.map(Double.init), gd.scalars, atol: 1e-4, rtol: 1e-3, name)
    }

    @Test(arguments: Registry.classifierLossNames) func classifierFloatAgreesWithDouble(name: String) throws {
        let lossD = Registry.classifierLoss(name).object, lossF = Registry.classifierLoss(name, as: Float.self).object
        let xd: Tensor<Double> = randomMatrix(16, 5, seed: 78)
        let wd = try lossD.initialWeights(classCount: 4, embeddingSize: 5, seed: 79)
        let (xf, wf) = (try Tensor<Float>(shape: xd.shape, scalars: xd.scalars.map(Float.init)), try Tensor<Float>(shape: wd.shape, scalars: wd.scalars.map(Float.init)))
        let labels = Self.labels(16, 4)
        let rd = try lossD.valueWithGradient(embeddings: xd, weights: wd, labels: labels)
        let rf = try lossF.valueWithGradient(embeddings: xf, weights: wf, labels: labels)
        expectClose([Double(rf.value)], [rd.value], atol: 1e-4, rtol: 1e-4, name)
        expectClose(rf.embeddingsGradient.scalars.map(Double.init), rd.embeddingsGradient.scalars, atol: 1e-4, rtol: 1e-3, name)
        expectClose(rf.weightsGradient.scalars.map(Double.init), rd.weightsGradient.scalars, atol: 1e-4, rtol: 1e-3, name)
    }
}
