import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Every loss of the PML reference file, in Double, within |a − b| ≤ 1e-8 + 1e-6·|b|.
@Suite("Reference losses (PML 2.9, float64)")
struct ReferenceLossTests {
    static let metricCases = ReferenceFixture.cases.filter { $0.weights == nil }.map(\.name)
    static let classifierCases = ReferenceFixture.cases.filter { $0.weights != nil }.map(\.name)

    static func metricLoss(for c: ReferenceCase) -> any MetricLoss<Double> {
        let normalize = (c.config["normalize_embeddings"] as? Bool) ?? true
        let distanceName = (c.config["distance"] as? String) ?? "euclidean"
        let distance = EuclideanDistance<Double>(normalizesEmbeddings: normalize, squared: distanceName == "squared_euclidean")
        let reduction = (c.config["reduction"] as? String) ?? ""
        let reducer: any Reducer<Double> = reduction.hasPrefix("mean over all terms") ? MeanReducer() : MeanOfNonZeroReducer()
        switch c.lossName {
        case "contrastive":
            return ContrastiveLoss(positiveMargin: c.number("pos_margin"), negativeMargin: c.number("neg_margin"),
                                   distance: distance, reducer: reducer)
        case "triplet_margin":
            return TripletMarginLoss(margin: c.number("margin"), swap: c.flag("swap"), smooth: c.flag("smooth"),
                                     distance: distance, reducer: reducer)
        case "angular":
            return AngularLoss(alphaDegrees: c.number("alpha_degrees"))
        case "multi_similarity":
            return MultiSimilarityLoss(alpha: c.number("alpha"), beta: c.number("beta"), base: c.number("base"))
        case "margin":
            return MarginLoss(margin: c.number("margin"), beta: c.number("beta"), distance: distance)
        case "exponential_triplet":
            return ExponentialTripletLoss(overlap: c.number("overlap"))
        default:
            fatalError("no loss for \(c.lossName)")
        }
    }

    static func classifierLoss(for c: ReferenceCase) -> any ClassifierLoss<Double> {
        switch c.lossName {
        case "softmax_cross_entropy": return SoftmaxCrossEntropyLoss()
        case "multiclass_hinge": return MultiClassHingeLoss(margin: c.number("margin"))
        case "large_margin_softmax": return LargeMarginSoftmaxLoss(margin: Int(c.number("margin")), scale: c.number("scale"))
        case "a_softmax": return AngularSoftmaxLoss(margin: Int(c.number("margin")), scale: c.number("scale"))
        default: fatalError("no loss for \(c.lossName)")
        }
    }

    @Test(arguments: metricCases) func metricLossMatches(name: String) throws {
        let c = ReferenceFixture.named(name)
        let loss = Self.metricLoss(for: c)
        let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels, tuples: c.mined)
        expectClose([value], [c.loss], "\(name) value")
        expectClose(gradient.scalars, c.gradEmbeddings, "\(name) gradient")
    }

    @Test(arguments: classifierCases) func classifierLossMatches(name: String) throws {
        let c = ReferenceFixture.named(name)
        let loss = Self.classifierLoss(for: c)
        let r = try loss.valueWithGradient(embeddings: c.embeddings, weights: c.weights!, labels: c.labels)
        expectClose([r.value], [c.loss], "\(name) value")
        expectClose(r.embeddingsGradient.scalars, c.gradEmbeddings, "\(name) embeddings gradient")
        expectClose(r.weightsGradient.scalars, c.gradWeights!, "\(name) weights gradient")
    }

    @Test func fixtureHoldsEveryCase() {
        #expect(ReferenceFixture.cases.count == 25)
        #expect(Self.metricCases.count + Self.classifierCases.count == 25)
    }
}
