import Foundation
import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every enrolled embedding regularizer: gradients against finite differences, Float against
/// Double, one term per embedding, finite on degenerate rows; and `RegularizedLoss`, the loss
/// plus the weighted penalty.
@Suite("Embedding regularizers")
struct EmbeddingRegularizerRegistryTests {
    static let x: Tensor<Double> = randomMatrix(7, 4, seed: 91)
    static let labels = [0, 1, 2, 0, 1, 2, 0]

    @Test(arguments: Registry.embeddingRegularizerNames) func gradientsMatchFiniteDifferences(name: String) throws {
        let regularizer = Registry.embeddingRegularizer(name).object
        try expectGradientsMatch([Self.x]) { v in regularizer(v[0]) }
        let w: Tensor<Double> = randomMatrix(1, 7, seed: 92)
        let weights = Variable(try w.reshaped(to: [7]))
        try expectGradientsMatch([Self.x]) { v in (regularizer.terms(v[0]) * weights).sum() }
    }

    @Test(arguments: Registry.embeddingRegularizerNames) func floatAgreesWithDouble(name: String) throws {
        let d = try Registry.embeddingRegularizer(name).object.terms(Variable(Self.x)).checked().value
        let xf = try Tensor<Float>(shape: Self.x.shape, scalars: Self.x.scalars.map(Float.init))
        let f = try Registry.embeddingRegularizer(name, as: Float.self).object.terms(Variable(xf)).checked().value
        #expect(d.shape == [7], "\(name): one term per embedding")
        expectClose(f.scalars.map(Double.init), d.scalars, atol: 1e-5, rtol: 1e-4, name)
    }

    @Test(arguments: Registry.embeddingRegularizerNames) func degenerateRowsAreFinite(name: String) throws {
        let regularizer = Registry.embeddingRegularizer(name).object
        for x in [try Tensor<Double>.zeros(shape: [3, 4]), try Tensor(shape: [1, 1], scalars: [2]), Self.x * 1e-30, Self.x * 1e6] {
            let (value, gradient) = try valueWithGradient(at: x) { regularizer($0) }
            #expect(value.isFinite && gradient.isFinite, "\(name) on \(x.shape)")
        }
    }

    @Test func termsAreThoseOfPML() throws {
        let rows = (0..<7).map { i in (0..<4).map { Self.x[i, $0] } }
        let lp = try LpRegularizer<Double>(p: 3, power: 2).terms(Variable(Self.x)).checked().value.scalars
        let l2 = try LpRegularizer<Double>().terms(Variable(Self.x)).checked().value.scalars
        let zeroMean = try ZeroMeanRegularizer<Double>().terms(Variable(Self.x)).checked().value.scalars
        expectClose(lp, rows.map { r in pow(r.map { pow(Swift.abs($0), 3) }.reduce(0, +), 2.0 / 3) }, atol: 1e-14, rtol: 1e-12)
        expectClose(l2, rows.map { r in r.map { $0 * $0 }.reduce(0, +).squareRoot() }, atol: 1e-14, rtol: 1e-12)
        expectClose(zeroMean, rows.map { Swift.abs($0.reduce(0, +)) }, atol: 1e-14, rtol: 1e-12)
    }

    @Test func regularizedLossIsTheLossPlusTheWeightedPenalty() throws {
        let (loss, regularizer) = (TripletMarginLoss<Double>(margin: 0.3), ZeroMeanRegularizer<Double>(reducer: SumReducer()))
        let regularized = loss.regularized(by: regularizer, weight: 0.25)
        let plain = try loss.value(embeddings: Self.x, labels: Self.labels)
        let penalty = try regularizer(Variable(Self.x)).checked().value.scalars[0]
        expectClose([try regularized.value(embeddings: Self.x, labels: Self.labels)], [plain + 0.25 * penalty], atol: 1e-14, rtol: 1e-12)
        // Against references, the penalty is of the embeddings alone.
        let references: Tensor<Double> = randomMatrix(5, 4, seed: 93)
        let r = try regularized.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: references, referenceLabels: [0, 1, 2, 0, 1])
        let p = try loss.valueWithGradients(embeddings: Self.x, labels: Self.labels, references: references, referenceLabels: [0, 1, 2, 0, 1])
        expectClose([r.value], [p.value + 0.25 * penalty], atol: 1e-14, rtol: 1e-12)
        expectClose(r.referencesGradient.scalars, p.referencesGradient.scalars, atol: 0, rtol: 0)
        // A loss without tuples keeps the penalty.
        expectClose([try regularized.value(embeddings: Self.x, labels: Self.labels, tuples: .triplets([]))], [0.25 * penalty], atol: 1e-14, rtol: 1e-12)
    }

    @Test func badHyperparametersThrow() {
        let labels = Self.labels
        let cases: [(String, any MetricLoss<Double>)] = [
            ("embedding regularizer weight = nan", ContrastiveLoss<Double>().regularized(by: LpRegularizer(), weight: .nan)),
            ("p = 0.5", ContrastiveLoss<Double>().regularized(by: LpRegularizer(p: 0.5))),
            ("p = inf", ContrastiveLoss<Double>().regularized(by: LpRegularizer(p: .infinity))),
            ("power = 0", ContrastiveLoss<Double>().regularized(by: LpRegularizer(power: 0))),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) { _ = try loss.valueWithGradient(embeddings: Self.x, labels: labels) }
        }
    }
}
