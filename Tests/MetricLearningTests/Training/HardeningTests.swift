import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricTraining
@testable import MetricEvaluation

/// Inputs found by fuzzing that trapped, gave NaN or read badly: each is now a named error.
@Suite("Training hardening")
struct HardeningTests {
    static func expectError(_ kind: MetricLearningError.Kind, mentioning text: String, _ body: () throws -> Void,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        DegenerateAndBadInputTests.expectError(kind, mentioning: text, body, sourceLocation: sourceLocation)
    }

    /// ε = 0 divides 0 by 0 where a gradient is zero; it is refused.
    @Test func adamRefusesZeroEpsilon() throws {
        var adam = Adam<Double>(learningRate: 0.1, epsilon: 0)
        var p = [try Tensor<Double>(shape: [2], scalars: [1, 2])]
        Self.expectError(.invalidParameter, mentioning: "epsilon = 0.0") { try adam.update(&p, along: [try .zeros(shape: [2])]) }
        #expect(p[0].scalars == [1, 2])
        adam.epsilon = 1e-300  // any positive ε keeps the zero-gradient step at 0
        try adam.update(&p, along: [try .zeros(shape: [2])])
        #expect(p[0].scalars == [1, 2])
    }

    @Test func attacksRefuseNonFiniteBudgetsAndSteps() throws {
        let x = try Tensor<Double>(shape: [1, 2], scalars: [0.5, 0.5])
        let objective = { (v: Variable<Double>) in v.sum() }
        for method in AdversarialAttack<Double>.Method.allCases {
            Self.expectError(.invalidParameter, mentioning: "epsilon = inf") {
                _ = try AdversarialAttack<Double>(method: method, epsilon: .infinity).perturb(x, objective: objective)
            }
            Self.expectError(.invalidParameter, mentioning: "epsilon = nan") {
                _ = try AdversarialAttack<Double>(method: method, epsilon: .nan).perturb(x, objective: objective)
            }
            for step in [Double.infinity, .nan] {
                Self.expectError(.invalidParameter, mentioning: "stepSize = \(step)") {
                    _ = try AdversarialAttack<Double>(method: method, epsilon: 0.1, stepSize: step).perturb(x, objective: objective)
                }
            }
        }
        let out = try AdversarialAttack<Double>(method: .bim, epsilon: 0.1, stepSize: 0.05, iterations: 3).perturb(x, objective: objective)
        expectClose(out.scalars, [0.6, 0.6], atol: 1e-15)
    }

    @Test func kMeansOnAnEmptyMatrixSaysItIsEmpty() {
        Self.expectError(.emptyInput, mentioning: "k-means: the matrix is empty (shape [0, 3])") {
            _ = try KMeans(clusterCount: 1).fit(try Tensor<Double>.zeros(shape: [0, 3]))
        }
    }

    @Test func idxErrorsShowTheMagicNumberFound() {
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 1, 7]
        let images: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 9]
        let wrongImages: [UInt8] = [0, 0, 0x0D, 3] + Array(images.dropFirst(4))
        Self.expectError(.shapeMismatch, mentioning: "magic number 0x00000D03") {
            let _: LabeledDataset<Float> = try DatasetLoader.idx(images: wrongImages, labels: labels)
        }
        Self.expectError(.shapeMismatch, mentioning: "magic number 0x00000802") {
            let _: LabeledDataset<Float> = try DatasetLoader.idx(images: images, labels: [0, 0, 8, 2] + Array(labels.dropFirst(4)))
        }
    }
}
