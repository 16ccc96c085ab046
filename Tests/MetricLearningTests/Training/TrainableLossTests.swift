import Foundation
import Testing
import MetricLearning

/// `TrainableLoss`: a classifier loss and its parameter trained beside a model, stepped by the
/// library's optimizers, and saved with the model.
@Suite("Trainable losses")
struct TrainableLossTests {
    static let batch: Tensor<Double> = randomMatrix(24, 5, seed: 31)
    static let labels = (0..<24).map { $0 % 4 }

    static func model() throws -> Sequential<Double> {
        Sequential([try Linear(inputWidth: 5, outputWidth: 8, seed: 1), Tanh(), try Linear(inputWidth: 8, outputWidth: 3, seed: 2)])
    }

    /// One step of model and loss together, each with its own optimizer.
    static func step<Loss: ClassifierLoss<Double>>(_ model: inout Sequential<Double>, _ head: inout TrainableLoss<Loss>,
                                                   _ modelOptimizer: inout Adam<Double>, _ headOptimizer: inout SGD<Double>) throws -> Double {
        let context = ForwardContext(isTraining: true)
        let (value, gradients) = try valueWithGradient(at: model.parameters + head.parameters) { p in
            try head(model(Variable(batch), parameters: p.dropLast(), context: context), parameters: p.suffix(1), labels: labels)
        }
        try modelOptimizer.update(&model.parameters, along: Array(gradients.dropLast()))
        try headOptimizer.update(&head.parameters, along: Array(gradients.suffix(1)))
        return value
    }

    @Test func weightsStartAsTheLossSaysAndTrain() throws {
        var model = try Self.model()
        var head = try TrainableLoss(SubCenterArcFaceLoss<Double>(scale: 16, subCenters: 2), classCount: 4, embeddingSize: 3, seed: 5)
        let initial = try SubCenterArcFaceLoss<Double>(subCenters: 2).initialWeights(classCount: 4, embeddingSize: 3, seed: 5)
        #expect(head.weights == initial)
        #expect(head.parameters == [head.weights] && head.weights.shape == [3, 8])
        var (modelOptimizer, headOptimizer) = (Adam<Double>(learningRate: 1e-2), SGD<Double>(learningRate: 0.1))
        let values = try (0..<30).map { _ in try Self.step(&model, &head, &modelOptimizer, &headOptimizer) }
        #expect(values.allSatisfy(\.isFinite) && values.last! < values.first!, "\(values)")
        #expect(head.weights != initial)
    }

    @Test func valueWithGradientsIsTheLossAtTheStoredWeights() throws {
        let head = try TrainableLoss(ArcFaceLoss<Double>(), classCount: 4, embeddingSize: 5, seed: 2)
        let r = try head.valueWithGradients(embeddings: Self.batch, labels: Self.labels)
        let direct = try head.loss.valueWithGradient(embeddings: Self.batch, weights: head.weights, labels: Self.labels)
        #expect(r.value == direct.value && r.embeddingsGradient == direct.embeddingsGradient)
        #expect(r.parameterGradients == [direct.weightsGradient])
        #expect(try head(Variable(Self.batch), labels: Self.labels).value.scalars == [r.value])
        var optimizer = Adam<Double>(learningRate: 0.01)
        var stepped = head
        try optimizer.update(&stepped.parameters, along: r.parameterGradients)
        #expect(stepped.weights != head.weights && stepped.weights.shape == head.weights.shape)
    }

    @Test func aRefusedAssignmentIsNamedUntilWeightsAreAssigned() throws {
        var head = try TrainableLoss(NormalizedSoftmaxLoss<Double>(), classCount: 4, embeddingSize: 5, seed: 2)
        let weights = head.weights
        head.parameters = [weights, weights]
        #expect(head.weights == weights)
        DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "2 parameters were assigned") {
            _ = try head.valueWithGradients(embeddings: Self.batch, labels: Self.labels)
        }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(head) }
        head.parameters = [weights]
        #expect(try head.valueWithGradients(embeddings: Self.batch, labels: Self.labels).value.isFinite)
        DegenerateAndBadInputTests.expectError(.shapeMismatch, mentioning: "0 parameters for a TrainableLoss") {
            _ = try head(Variable(Self.batch), parameters: [], labels: Self.labels)
        }
    }

    struct Checkpoint<Loss: ClassifierLoss & Codable>: Codable where Loss.Scalar == Double {
        var model: Sequential<Double>
        var head: TrainableLoss<Loss>
    }

    /// Encoded, decoded and encoded again (keys sorted, so equal values give equal bytes).
    static func roundTrip<Loss: ClassifierLoss & Codable>(_ checkpoint: Checkpoint<Loss>) throws -> (Checkpoint<Loss>, Data, Data) where Loss.Scalar == Double {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(checkpoint)
        let restored = try JSONDecoder().decode(Checkpoint<Loss>.self, from: data)
        return (restored, data, try encoder.encode(restored))
    }

    @Test func aCheckpointOfModelAndLossRoundTripsBitwise() throws {
        var model = try Self.model()
        let loss = SubCenterArcFaceLoss<Double>(margin: 20, scale: 16, subCenters: 2)
            .regularized(by: SparseCentersRegularizer(classCount: 4, centersPerClass: 2), weight: 0.25)
        var head = try TrainableLoss(loss, classCount: 4, embeddingSize: 3, seed: 9)
        var (modelOptimizer, headOptimizer) = (Adam<Double>(learningRate: 1e-2), SGD<Double>(learningRate: 0.1))
        for _ in 0..<3 { _ = try Self.step(&model, &head, &modelOptimizer, &headOptimizer) }

        let (restored, data, again) = try Self.roundTrip(Checkpoint(model: model, head: head))
        #expect(data == again)
        let bits = { (tensors: [Tensor<Double>]) in tensors.map { $0.scalars.map(\.bitPattern) } }
        #expect(bits(restored.model.parameters) == bits(model.parameters))
        #expect(bits(restored.head.parameters) == bits(head.parameters))
        #expect(restored.head.loss.loss.margin == 20 && restored.head.loss.loss.subCenters == 2 && restored.head.loss.weight == 0.25)
        #expect(restored.head.loss.regularizer.classCount == 4 && restored.head.loss.regularizer.centersPerClass == 2)
        // The restored pair trains on exactly as the original.
        var (m1, h1, m2, h2) = (model, head, restored.model, restored.head)
        var (a1, s1, a2, s2) = (modelOptimizer, headOptimizer, modelOptimizer, headOptimizer)
        #expect(try Self.step(&m1, &h1, &a1, &s1).bitPattern == Self.step(&m2, &h2, &a2, &s2).bitPattern)

        // Every classifier loss of the library with a parameter is Codable.
        let heads: [Data] = [
            try JSONEncoder().encode(TrainableLoss(ArcFaceLoss<Float>(margin: 10), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(CosFaceLoss<Float>(), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(NormalizedSoftmaxLoss<Float>(temperature: 0.1), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(LargeMarginSoftmaxLoss<Float>(margin: 3), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(AngularSoftmaxLoss<Float>(), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(MultiClassHingeLoss<Float>(form: .squared), classCount: 3, embeddingSize: 2)),
            try JSONEncoder().encode(TrainableLoss(SoftmaxCrossEntropyLoss<Float>()
                .regularized(by: CenterInvariantRegularizer()).regularized(by: RegularFaceRegularizer(), weight: 2), classCount: 3, embeddingSize: 2)),
        ]
        let arc = try JSONDecoder().decode(TrainableLoss<ArcFaceLoss<Float>>.self, from: heads[0])
        let initial = try ArcFaceLoss<Float>().initialWeights(classCount: 3, embeddingSize: 2, seed: 0)
        #expect(arc.loss.margin == 10 && arc.weights == initial)
        #expect(try JSONDecoder().decode(TrainableLoss<MultiClassHingeLoss<Float>>.self, from: heads[5]).loss.form == .squared)
    }

    /// A custom distance: outside the list a loss can encode.
    struct PlainDot: DotProductDistance { typealias Scalar = Double; var normalizesEmbeddings: Bool { false } }

    @Test func proxyLossesRoundTripWithTheirDistancesAndReducers() throws {
        let x: Tensor<Double> = randomMatrix(8, 3, seed: 4), labels = [0, 1, 2, 0, 1, 2, 0, 1]
        func roundTrip<L: ClassifierLoss & Codable>(_ loss: L) throws -> (Double, Double) where L.Scalar == Double {
            let head = try TrainableLoss(loss, classCount: 3, embeddingSize: 3, seed: 5)
            let restored = try JSONDecoder().decode(TrainableLoss<L>.self, from: JSONEncoder().encode(head))
            let (a, b) = (try head.valueWithGradients(embeddings: x, labels: labels), try restored.valueWithGradients(embeddings: x, labels: labels))
            #expect(a.embeddingsGradient.scalars.map(\.bitPattern) == b.embeddingsGradient.scalars.map(\.bitPattern))
            return (a.value, b.value)
        }
        let proxyNCA = ProxyNCALoss<Double>(softmaxScale: 3, distance: LpDistance(p: 3, power: 2), reducer: ThresholdReducer(low: 0.1, high: 50))
        let proxyAnchor = ProxyAnchorLoss<Double>(margin: 0.2, alpha: 16, distance: DotProductSimilarity(normalizesEmbeddings: false), reducer: SumReducer())
        let softTriple = SoftTripleLoss<Double>(centersPerClass: 2, distance: CosineSimilarity(), reducer: ClassWeightedReducer(weights: [1, 2, 3]))
        for (a, b) in [try roundTrip(proxyNCA), try roundTrip(proxyAnchor), try roundTrip(softTriple), try roundTrip(P2SGradLoss<Double>()),
                       try roundTrip(ManifoldLoss<Double>(margin: 0.01, distance: DotProductSimilarity()))] {
            #expect(a.bitPattern == b.bitPattern && a.isFinite)
        }
        let json = String(decoding: try JSONEncoder().encode(proxyNCA), as: UTF8.self)
        #expect(json.contains(#""type":"lp""#) && json.contains(#""type":"threshold""#))

        // A distance or reducer of another type: encoding says which, decoding an unknown name too.
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(ProxyAnchorLoss<Double>(distance: PlainDot())) }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(ProxyNCALoss<Double>(reducer: PerAnchorReducer(reducer: MeanReducer()))) }
        let unknown = json.replacingOccurrences(of: #""type":"lp""#, with: #""type":"manhattan""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ProxyNCALoss<Double>.self, from: Data(unknown.utf8)) }
    }

    @Test func weightsThatAreNotAMatrixDoNotDecode() throws {
        let json = #"{"loss": {"temperature": 0.05}, "weights": {"shape": [4], "scalars": [1, 2, 3, 4]}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TrainableLoss<NormalizedSoftmaxLoss<Float>>.self, from: Data(json.utf8)) }
    }
}
