// Written as a consumer writes it: nothing but the umbrella module, Foundation and Testing.
import Foundation
import Testing
import MetricLearning

/// Saving and loading models with `JSONEncoder` and `JSONDecoder`.
@Suite("Model coding")
struct ModelCodingTests {
    /// A layer of the consumer's own: y = s·x.
    struct Scaled: CodableLayer {
        static let codingKind = "Scaled"
        var factor: Float
        var parameters: [Tensor<Float>] {
            get { [] }
            set {}
        }
        func callAsFunction(_ input: Variable<Float>, parameters: ArraySlice<Variable<Float>>, context: ForwardContext) -> Variable<Float> {
            input * factor
        }
    }

    /// A layer that is not `Codable`.
    struct Doubled: Layer {
        var parameters: [Tensor<Float>] {
            get { [] }
            set {}
        }
        func callAsFunction(_ input: Variable<Float>, parameters: ArraySlice<Variable<Float>>, context: ForwardContext) -> Variable<Float> {
            input * 2
        }
    }

    static let features = try! Tensor<Float>.randomNormal(shape: [12, 6], standardDeviation: 2, seed: 3)
    static let labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]

    /// Linear → BatchNorm → ReLU → Linear after three Adam steps in training mode, so the
    /// parameters and the running statistics have moved.
    static func trainedModel() throws -> Sequential<Float> {
        var model = Sequential<Float>([try Linear(inputWidth: 6, outputWidth: 8, seed: 1), try BatchNorm(width: 8, momentum: 0.3),
                                       ReLU(), try Linear(inputWidth: 8, outputWidth: 3, seed: 2)])
        var optimizer = Adam<Float>(learningRate: 0.05)
        let context = ForwardContext(isTraining: true)
        for _ in 0..<3 {
            let (_, gradients) = try valueWithGradient(at: model.parameters) { p in
                try TripletMarginLoss<Float>(margin: 0.3)(model(Variable(features), parameters: p[...], context: context), labels: labels)
            }
            try optimizer.update(&model.parameters, along: gradients)
        }
        return model
    }

    static func roundTrip<Model: Codable>(_ model: Model, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> Model {
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(Model.self, from: JSONEncoder().encode(model))
    }

    static func bits(_ tensor: Tensor<Float>) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

    @Test func aTrainedModelLoadsWithBitwiseTheSameEmbeddings() throws {
        let model = try Self.trainedModel()
        let statistics = (model.layers[1] as? BatchNorm<Float>)?.statistics
        #expect(statistics?.mean.contains { $0 != 0 } == true, "training moved the running mean")

        let loaded = try Self.roundTrip(model)
        #expect(loaded.layers.count == 4)
        #expect(loaded.parameters == model.parameters)
        #expect((loaded.layers[1] as? BatchNorm<Float>)?.statistics == statistics)
        #expect(Self.bits(try loaded(Self.features)) == Self.bits(try model(Self.features)))
        let unseen = try Tensor<Float>.randomNormal(shape: [5, 6], seed: 11)
        #expect(Self.bits(try loaded(unseen)) == Self.bits(try model(unseen)))

        // Training goes on from the loaded model exactly as from the original.
        var original = model, restored = loaded
        let context = ForwardContext(isTraining: true)
        let a = try restored(Self.features, context: context)
        let b = try original(Self.features, context: context)
        #expect(Self.bits(a) == Self.bits(b))
        #expect((restored.layers[1] as? BatchNorm<Float>)?.statistics == (original.layers[1] as? BatchNorm<Float>)?.statistics)
    }

    @Test func theSavedFormNamesEachLayersKind() throws {
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try Self.trainedModel())) as? [String: Any]
        let layers = json?["layers"] as? [[String: Any]] ?? []
        #expect(layers.compactMap { $0["kind"] as? String } == ["Linear", "BatchNorm", "ReLU", "Linear"])
        let norm = layers.count > 1 ? layers[1]["layer"] as? [String: Any] : nil
        #expect(norm.map { Set($0.keys) } == ["scale", "shift", "runningMean", "runningVariance", "momentum", "epsilon"])
        #expect((norm?["momentum"] as? Double).map { Float($0) } == 0.3)
    }

    @Test func everyLibraryLayerRoundTripsInDouble() throws {
        let inner = Sequential<Double>([try Linear(inputWidth: 3, outputWidth: 3, seed: 4), Tanh()])
        let model = Sequential<Double>([try Linear(inputWidth: 4, outputWidth: 3, seed: 5), Dropout(probability: 0.25), inner,
                                        try BatchNorm(width: 3, momentum: 0.5, epsilon: 1e-3), ReLU()])
        let loaded = try Self.roundTrip(model)
        let x = try Tensor<Double>.randomNormal(shape: [6, 4], seed: 6)
        #expect(try loaded(x).scalars.map(\.bitPattern) == (try model(x)).scalars.map(\.bitPattern))
        #expect((loaded.layers[1] as? Dropout<Double>)?.probability == 0.25)
        #expect((loaded.layers[2] as? Sequential<Double>)?.layers.count == 2)
        #expect((loaded.layers[3] as? BatchNorm<Double>).map { [$0.momentum, $0.epsilon] } == [0.5, 1e-3])
        // Training mode too: the same dropout mask and batch statistics for the same seed.
        var a = model, b = loaded
        #expect(try a(x, context: ForwardContext(isTraining: true, seed: 8)) == (try b(x, context: ForwardContext(isTraining: true, seed: 8))))
    }

    @Test func aLayerOfYourOwnIsSavedAndLoadedWhenListed() throws {
        let model = Sequential<Float>([try Linear(inputWidth: 6, outputWidth: 2, seed: 1), Scaled(factor: 3)])
        let data = try JSONEncoder().encode(model)
        do {
            _ = try JSONDecoder().decode(Sequential<Float>.self, from: data)
            Issue.record("an unlisted kind decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.hasPrefix("Sequential cannot decode layer 1 of kind 'Scaled': the kinds known are "
                                                       + "BatchNorm, Dropout, Linear, ReLU, Sequential, Tanh; list a layer type"))
        }
        let loaded = try Self.roundTrip(model, userInfo: [LayerCoding.layerTypesKey: [Scaled.self]])
        #expect((loaded.layers[1] as? Scaled)?.factor == 3)
        #expect(try loaded(Self.features) == (try model(Self.features)))
    }

    @Test func aLayerThatIsNotCodableIsNamed() throws {
        let model = Sequential<Float>([try Linear(inputWidth: 6, outputWidth: 2, seed: 1), Doubled()])
        do {
            _ = try JSONEncoder().encode(model)
            Issue.record("a layer that is not Codable was encoded")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.debugDescription == "Sequential cannot encode layer 1, a Doubled: a layer is saved when its type conforms to CodableLayer")
        }
    }

    /// The message of the `DecodingError` that decoding `json` as `Model` throws, or nil.
    static func decodingMessage<Model: Decodable>(_ json: String, as: Model.Type) -> String? {
        do {
            _ = try JSONDecoder().decode(Model.self, from: Data(json.utf8))
            return nil
        } catch DecodingError.dataCorrupted(let context) {
            return context.debugDescription
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func whatWouldNotLoadIsNotSaved() throws {
        var norm = try BatchNorm<Float>(width: 2)
        norm.epsilon = 0
        var linear = try Linear<Float>(inputWidth: 2, outputWidth: 3, seed: 1)
        linear.parameters.removeLast()
        let cases: [(any Encodable, String)] = [
            (norm, "epsilon = 0.0 is out of range: must be finite and positive (0 divides 0 by 0 for a constant feature)"),
            (linear, "Linear expects 2 parameters (weight, bias), got 1"),
        ]
        for (layer, message) in cases {
            do {
                _ = try JSONEncoder().encode(layer)
                Issue.record("\(layer) was encoded")
            } catch EncodingError.invalidValue(_, let context) {
                #expect(context.debugDescription == message)
            }
        }
    }

    @Test func savedLayersThatDoNotFitAreDecodingErrors() {
        let vector = #"{"shape": [2], "scalars": [1, 2]}"#
        let matrix = #"{"shape": [2, 3], "scalars": [1, 2, 3, 4, 5, 6]}"#
        #expect(Self.decodingMessage(#"{"weight": \#(matrix), "bias": \#(vector)}"#, as: Linear<Float>.self)
                == "Linear's bias must have shape [3] to fit its weight [2, 3], got [2]")
        #expect(Self.decodingMessage(#"{"weight": \#(vector), "bias": \#(vector)}"#, as: Linear<Float>.self)
                == "Linear's weight must be a matrix [inputWidth, outputWidth], got shape [2]")
        func norm(mean: String = "[0, 0]", variance: String = "[1, 1]", scale: String = vector, epsilon: String = "1e-5") -> String {
            #"{"scale": \#(scale), "shift": \#(vector), "runningMean": \#(mean), "runningVariance": \#(variance), "momentum": 0.1, "epsilon": \#(epsilon)}"#
        }
        #expect(Self.decodingMessage(norm(), as: BatchNorm<Float>.self) == nil)
        #expect(Self.decodingMessage(norm(mean: "[0, 0, 0]"), as: BatchNorm<Float>.self)
                == "BatchNorm's running mean (3 values) and variance (2 values) must share one width of at least 1")
        #expect(Self.decodingMessage(norm(variance: "[1, -1]"), as: BatchNorm<Float>.self)
                == "BatchNorm's running variance [1] is -1.0; it must be finite and not negative")
        #expect(Self.decodingMessage(norm(scale: matrix), as: BatchNorm<Float>.self)
                == "BatchNorm's scale and shift must have shape [2], got [2, 3] and [2]")
        #expect(Self.decodingMessage(norm(epsilon: "0"), as: BatchNorm<Float>.self)
                == "epsilon = 0.0 is out of range: must be finite and positive (0 divides 0 by 0 for a constant feature)")
        #expect(Self.decodingMessage(#"{"probability": 1}"#, as: Dropout<Float>.self)
                == "dropout probability = 1.0 is out of range: must lie in [0, 1)")
        #expect(Self.decodingMessage(#"{"layers": [{"kind": "ReLU", "layer": {}}, {"kind": "Linear", "layer": {"weight": \#(matrix), "bias": {"shape": [3], "scalars": [1]}}}]}"#,
                                     as: Sequential<Float>.self) == "Tensor: shape [3] holds 3 scalars, but 1 were given")
    }
}
