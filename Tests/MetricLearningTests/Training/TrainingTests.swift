import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Layers against finite differences in Double; optimisers against PyTorch's steps.
@Suite("Training substrate")
struct TrainingTests {
    static func check(_ layer: any Layer<Double>, input: Tensor<Double>, training: Bool = true,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let weights = try Tensor<Double>.randomNormal(shape: [input.shape[0], try layer(input).shape[1]], seed: 3)
        var layer = layer
        let report = try checkGradients(at: [input] + layer.parameters) { v in
            let context = ForwardContext(isTraining: training, seed: 5)
            return (layer(v[0], parameters: v[1...], context: context) * Variable(weights)).sum()
        }
        #expect(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(report)", sourceLocation: sourceLocation)
    }

    @Test func layerGradients() throws {
        let x: Tensor<Double> = randomMatrix(6, 4, seed: 1)
        try Self.check(Linear<Double>(inputWidth: 4, outputWidth: 3, seed: 2), input: x)
        try Self.check(ReLU<Double>(), input: x.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 })
        try Self.check(Tanh<Double>(), input: x)
        try Self.check(BatchNorm<Double>(width: 4), input: x)
        try Self.check(BatchNorm<Double>(width: 4), input: x, training: false)
        try Self.check(Dropout<Double>(probability: 0.3), input: x)
        try Self.check(Sequential<Double>([try Linear(inputWidth: 4, outputWidth: 5, seed: 1), Tanh(),
                                           try BatchNorm(width: 5), try Linear(inputWidth: 5, outputWidth: 2, seed: 2)]), input: x)
    }

    @Test func linearInitialisationAndShapes() throws {
        let layer = try Linear<Float>(inputWidth: 16, outputWidth: 3, seed: 9)
        #expect(layer.parameters.map(\.shape) == [[16, 3], [3]])
        #expect(layer.parameters.allSatisfy { $0.scalars.allSatisfy { Swift.abs($0) <= 0.25 } })
        #expect(try Linear<Float>(inputWidth: 16, outputWidth: 3, seed: 9).parameters == layer.parameters)
        #expect(throws: MetricLearningError.self) { try Linear<Float>(inputWidth: 0, outputWidth: 3, seed: 1) }
    }

    @Test func batchNormUsesBatchStatisticsThenRunningOnes() throws {
        var layer = try BatchNorm<Double>(width: 2)
        let x = try Tensor<Double>(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
        let y = try layer(x, context: ForwardContext(isTraining: true))
        expectClose(try y.mean(alongAxis: 0).scalars, [0, 0], atol: 1e-12)
        expectClose(layer.statistics.mean, [0.25, 2.5], atol: 1e-12)
        expectClose(layer.statistics.variance, [0.9 + 0.1 * 5.0 / 3, 0.9 + 0.1 * 500.0 / 3], atol: 1e-12)
        let evaluated = try layer(x)
        expectClose([evaluated[0, 0]], [(1 - 0.25) / (layer.statistics.variance[0] + 1e-5).squareRoot()], atol: 1e-12)
    }

    @Test func dropoutScalesKeptValuesAndIsSeeded() throws {
        let x = try Tensor<Double>.ones(shape: [50, 40])
        var layer = Dropout<Double>(probability: 0.25)
        let y = try layer(x, context: ForwardContext(isTraining: true, seed: 1))
        #expect(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3) < 1e-12 })
        let dropped = Double(y.scalars.filter { $0 == 0 }.count) / 2000
        #expect(Swift.abs(dropped - 0.25) < 0.04)
        #expect(try layer(x, context: ForwardContext(isTraining: true, seed: 1)) == y)
        #expect(try layer(x) == x)
        for probability in [-0.1, 1, 1.5] {
            #expect(throws: MetricLearningError.self) { _ = try Dropout<Double>(probability: probability)(x) }
        }
    }

    static func twoSteps(_ optimizer: inout some Optimizer<Double>) throws -> [Double] {
        var p = [try Tensor<Double>(shape: [2, 2], scalars: [0.5, -1.0, 2.0, 0.25])]
        try optimizer.update(&p, along: [try Tensor(shape: [2, 2], scalars: [0.1, -0.2, 0.3, 0.4])])
        try optimizer.update(&p, along: [try Tensor(shape: [2, 2], scalars: [-0.5, 0.6, 0.05, -0.1])])
        return p[0].scalars
    }

    @Test func optimisersMatchPyTorch() throws {
        var sgd = SGD<Double>(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        expectClose(try Self.twoSteps(&sgd), [0.5295605, -1.019121, 1.932232, 0.18331525], atol: 1e-12)
        var nesterov = SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        expectClose(try Self.twoSteps(&nesterov), [0.565632905, -1.05526581, 1.90009552, 0.1595928025], atol: 1e-12)
        var adam = Adam<Double>(learningRate: 0.01, weightDecay: 0.1)
        expectClose(try Self.twoSteps(&adam), [0.49494768995328214, -0.9929440440737239, 1.9806840741327396, 0.2347147000051346], atol: 1e-12)
        var adamW = Adam<Double>(learningRate: 0.01, weightDecay: 0.1, decoupledWeightDecay: true)
        expectClose(try Self.twoSteps(&adamW), [0.4949940426542334, -0.9929528987219887, 1.9781787272147273, 0.2348155686987329], atol: 1e-12)
        var plain = SGD<Double>(learningRate: 0.5)
        var p = [Tensor<Double>(1)]
        #expect(throws: MetricLearningError.self) { try plain.update(&p, along: [Tensor([1, 2])]) }
    }

    /// Whether one step throws, and the parameters after it.
    static func attemptStep(_ optimizer: some Optimizer<Double>) throws -> (threw: Bool, parameters: [Double]) {
        var optimizer = optimizer
        var p = [try Tensor<Double>(shape: [2], scalars: [1, 2])]
        do {
            try optimizer.update(&p, along: [try Tensor(shape: [2], scalars: [0.5, 0.5])])
            return (false, p[0].scalars)
        } catch is MetricLearningError {
            return (true, p[0].scalars)
        }
    }

    @Test func batchNormRejectsMomentumAndEpsilonOutOfRange() {
        #expect(throws: MetricLearningError.self) { try BatchNorm<Double>(width: 3, momentum: 1.5) }
        #expect(throws: MetricLearningError.self) { try BatchNorm<Double>(width: 3, epsilon: -1e-5) }
        #expect(throws: MetricLearningError.self) { try BatchNorm<Float>(width: 3, epsilon: .nan) }
    }

    @Test func optimisersRejectHyperparametersPyTorchRejects() throws {
        let sgds = [SGD<Double>(learningRate: -0.1), SGD(learningRate: 0.1, momentum: -0.5),
                    SGD(learningRate: 0.1, nesterov: true), SGD(learningRate: 0.1, weightDecay: -1), SGD(learningRate: .infinity)]
        let adams = [Adam<Double>(learningRate: -1e-3), Adam(beta1: 1), Adam(beta2: -0.1), Adam(epsilon: -1e-8), Adam(weightDecay: -0.1), Adam(learningRate: .nan)]
        let results = try sgds.map { try Self.attemptStep($0) } + adams.map { try Self.attemptStep($0) }
        for (i, result) in results.enumerated() {
            #expect(result.threw, "optimizer \(i) accepted a bad hyperparameter")
            #expect(result.parameters == [1, 2], "a rejected step leaves the parameters as they were")
        }
        #expect(try !Self.attemptStep(SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: true)).threw)
    }

    @Test func trainingLowersAMetricLoss() throws {
        var model = Sequential<Double>([try Linear(inputWidth: 4, outputWidth: 8, seed: 1), ReLU(), try Linear(inputWidth: 8, outputWidth: 3, seed: 2)])
        let x: Tensor<Double> = randomMatrix(24, 4, seed: 7)
        let labels = (0..<24).map { $0 % 3 }
        let loss = TripletMarginLoss<Double>(margin: 0.2)
        var optimizer = Adam<Double>(learningRate: 0.01)
        var values: [Double] = []
        for _ in 0..<60 {
            let (value, gradients) = try valueWithGradient(at: model.parameters) { p in
                try loss(model(Variable(x), parameters: p[...], context: ForwardContext(isTraining: true)), labels: labels)
            }
            values.append(value)
            try optimizer.update(&model.parameters, along: gradients)
        }
        #expect(values.last! < 0.5 * values.first!, "\(values.first!) → \(values.last!)")
    }
}
