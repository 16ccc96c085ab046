import Testing
import MetricLearning
import MetricLearningTesting

/// A user's own loss, written with the library's differentiable operations:
/// ½‖x‖² summed over the batch, whose gradient is x.
struct HalfSquaredNorm: MetricLoss {
    func callAsFunction(_ embeddings: Variable<Double>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Double> {
        (embeddings * embeddings).sum() * 0.5
    }
}

/// The same value with a wrong gradient: one factor is detached, as a mistaken
/// hand-written pullback would do, so the gradient is x/2 instead of x.
struct DetachedHalfSquaredNorm: MetricLoss {
    func callAsFunction(_ embeddings: Variable<Double>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Double> {
        (embeddings * embeddings.withoutDerivative).sum() * 0.5
    }
}

/// A classifier loss: ½‖xW‖², gradient (xW)Wᵀ for x and xᵀ(xW) for W.
struct HalfSquaredLogits: ClassifierLoss {
    func callAsFunction(_ embeddings: Variable<Double>, weights: Variable<Double>, labels: [Int]) throws -> Variable<Double> {
        matmul(embeddings, weights).squared().sum() * 0.5
    }
}

@Suite("MetricLearningTesting: gradient checks")
struct GradientExpectationTests {
    static let x = try! Tensor<Double>.randomNormal(shape: [6, 3], seed: 11)
    static let labels = [0, 0, 1, 1, 2, 2]

    @Test func aCorrectLossPasses() throws {
        let report = try #require(expectGradientsMatchFiniteDifferences(of: HalfSquaredNorm(), embeddings: Self.x, labels: Self.labels))
        #expect(report.elements.count == 18)
        #expect(report.worstFailure(absoluteTolerance: 1e-6, relativeTolerance: 1e-5) == nil)
        #expect(report.failureSummary(absoluteTolerance: 1e-6, relativeTolerance: 1e-5) == nil)
        // The library's own losses, through the same front-end, with fixed tuples.
        let tuples = try TripletMarginMiner<Double>(margin: 0.2, type: .all).mine(Self.x, labels: Self.labels)
        expectGradientsMatchFiniteDifferences(of: MultiSimilarityLoss<Double>(), embeddings: Self.x, labels: Self.labels)
        expectGradientsMatchFiniteDifferences(of: TripletMarginLoss<Double>(margin: 0.2, smooth: true), embeddings: Self.x,
                                              labels: Self.labels, tuples: tuples)
        let w = try Tensor<Double>.randomNormal(shape: [3, 3], seed: 12)
        expectGradientsMatchFiniteDifferences(of: HalfSquaredLogits(), embeddings: Self.x, weights: w, labels: Self.labels)
        expectGradientsMatchFiniteDifferences(of: SoftmaxCrossEntropyLoss<Double>(), embeddings: Self.x, weights: w, labels: Self.labels)
    }

    @Test func aWrongGradientFailsNamingTheWorstElement() throws {
        // Pure: the report says which element is worst. The error is x/2, largest where |x| is.
        let report = try checkGradients(of: DetachedHalfSquaredNorm(), embeddings: Self.x, labels: Self.labels)
        let worst = try #require(report.worstFailure(absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        let largest = Self.x.scalars.indices.max { Swift.abs(Self.x.scalars[$0]) < Swift.abs(Self.x.scalars[$1]) }!
        #expect(worst.input == 0)
        #expect(worst.index == [largest / 3, largest % 3])
        #expect(Swift.abs(worst.analytic - Self.x.scalars[largest] / 2) < 1e-12)
        #expect(Swift.abs(worst.numeric - Self.x.scalars[largest]) < 1e-6)
        let summary = try #require(report.failureSummary(absoluteTolerance: 1e-6, relativeTolerance: 1e-5))
        #expect(summary.contains("index \(worst.index)"))

        // The front-end records it as an issue.
        withKnownIssue {
            expectGradientsMatchFiniteDifferences(of: DetachedHalfSquaredNorm(), embeddings: Self.x, labels: Self.labels)
        } matching: { issue in
            issue.comments.map(\.rawValue).joined().contains("gradient check failed for 18 of 18 elements")
        }
    }

    @Test func theClosureFormChecksEveryInput() throws {
        let w = try Tensor<Double>.randomNormal(shape: [3, 2], seed: 13)
        let report = expectGradientsMatchFiniteDifferences(at: [Self.x, w]) { v in
            matmul(v[0], v[1]).tanh().sum()
        }
        #expect(report?.elements.count == 18 + 6)

        // A wrong gradient for the second input only: the report names input 1.
        withKnownIssue {
            let wrong = expectGradientsMatchFiniteDifferences(at: [Self.x, w]) { v in
                matmul(v[0], v[1]).tanh().sum() + (v[1] * v[1].withoutDerivative).sum()
            }
            #expect(wrong?.worstFailure(absoluteTolerance: 1e-6, relativeTolerance: 1e-5)?.input == 1)
        } matching: { issue in
            issue.comments.map(\.rawValue).joined().contains("worst at input 1")
        }
    }

    @Test func aThrowingLossIsAnIssueNotACrash() {
        withKnownIssue {
            // Three labels for six embeddings: the loss throws a MetricLearningError.
            let report = expectGradientsMatchFiniteDifferences(of: TripletMarginLoss<Double>(), embeddings: Self.x, labels: [0, 1, 2])
            #expect(report == nil)
        } matching: { issue in
            issue.error is MetricLearningError
        }
    }
}
