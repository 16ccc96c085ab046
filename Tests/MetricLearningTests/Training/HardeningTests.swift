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

    /// ε = 0 divides 0 by 0 where a feature is constant; it is refused at creation and in the
    /// forward pass (ε is a public property).
    @Test func batchNormRefusesZeroEpsilon() throws {
        Self.expectError(.invalidParameter, mentioning: "epsilon = 0.0") { _ = try BatchNorm<Double>(width: 2, epsilon: 0) }
        var layer = try BatchNorm<Double>(width: 2)
        layer.epsilon = 0
        let constantColumn = try Tensor<Double>(shape: [3, 2], scalars: [1, 5, 2, 5, 3, 5])
        Self.expectError(.invalidParameter, mentioning: "epsilon = 0.0") { _ = try layer(constantColumn, context: ForwardContext(isTraining: true)) }
        Self.expectError(.invalidParameter, mentioning: "epsilon = 0.0") { _ = try layer(constantColumn) }
        layer.epsilon = 1e-5
        let y = try layer(constantColumn, context: ForwardContext(isTraining: true))
        expectClose(y.scalars, [-1.2247357, 0, 0, 0, 1.2247357, 0], atol: 1e-6)
    }

    @Test func widthMismatchNamesTheLayer() throws {
        let x: Tensor<Double> = randomMatrix(5, 3, seed: 1)
        Self.expectError(.shapeMismatch, mentioning: "Linear expects inputs of width 4, got 3") {
            _ = try Linear<Double>(inputWidth: 4, outputWidth: 2, seed: 1)(x)
        }
        var norm = try BatchNorm<Double>(width: 4)
        Self.expectError(.shapeMismatch, mentioning: "BatchNorm expects inputs of width 4, got 3") { _ = try norm(x) }
        Self.expectError(.shapeMismatch, mentioning: "BatchNorm expects inputs of width 4, got 3") {
            _ = try norm(x, context: ForwardContext(isTraining: true))
        }
        #expect(norm.statistics.mean == [0, 0, 0, 0])
    }

    /// A wrong parameter count, assigned or passed, is an error the forward pass carries.
    @Test func wrongParameterCountsAreCarriedErrors() throws {
        let x: Tensor<Double> = randomMatrix(4, 2, seed: 3)
        var model = Sequential<Double>([try Linear(inputWidth: 2, outputWidth: 3, seed: 1), ReLU(), try Linear(inputWidth: 3, outputWidth: 1, seed: 2)])
        let trained = model.parameters
        let expected = try model(x)
        model.parameters = Array(trained.dropLast())
        Self.expectError(.shapeMismatch, mentioning: "3 parameters were assigned to a Sequential whose layers hold 4") { _ = try model(x) }
        #expect(model.parameters == trained, "the layers keep their parameters")
        model.parameters = trained
        #expect(try model(x) == expected)

        let context = ForwardContext(isTraining: true)
        Self.expectError(.shapeMismatch, mentioning: "Sequential expects 4 parameters, got 3") {
            _ = try valueWithGradient(at: [x] + trained.dropLast()) { v in model(v[0], parameters: v[1...], context: context).sum() }
        }
        var linear = try Linear<Double>(inputWidth: 2, outputWidth: 3, seed: 1)
        Self.expectError(.shapeMismatch, mentioning: "Linear expects 2 parameters (weight, bias), got 1") {
            _ = try valueWithGradient(at: [x, linear.parameters[0]]) { v in linear(v[0], parameters: v[1...], context: context).sum() }
        }
        var norm = try BatchNorm<Double>(width: 2)
        Self.expectError(.shapeMismatch, mentioning: "BatchNorm expects 2 parameters (scale, shift), got 0") {
            _ = try valueWithGradient(at: [x]) { v in norm(v[0], parameters: v[1...], context: context).sum() }
        }
        #expect(norm.statistics.mean == [0, 0], "a refused pass leaves the statistics as they were")
        let relu = ReLU<Double>()
        Self.expectError(.shapeMismatch, mentioning: "ReLU expects 0 parameters, got 1") {
            _ = try valueWithGradient(at: [x, x]) { v in relu(v[0], parameters: v[1...], context: context).sum() }
        }
        linear.parameters[1] = try .zeros(shape: [2])
        Self.expectError(.shapeMismatch, mentioning: "Linear's bias must have shape [3] to fit its weight [2, 3], got [2]") { _ = try linear(x) }
        // Layers that fit replace a refused assignment's error.
        model.parameters = []
        model.layers = [ReLU()]
        #expect(try model(x) == x.relu())
    }

    @Test func batchNormNeedsASampleToTrainOn() throws {
        var norm = try BatchNorm<Double>(width: 3)
        let empty = try Tensor<Double>.zeros(shape: [0, 3])
        Self.expectError(.emptyInput, mentioning: "BatchNorm needs at least one sample in a training pass (shape [0, 3])") {
            _ = try norm(empty, context: ForwardContext(isTraining: true))
        }
        #expect(norm.statistics.mean == [0, 0, 0] && norm.statistics.variance == [1, 1, 1])
        #expect(try norm(empty).shape == [0, 3])
    }
}
