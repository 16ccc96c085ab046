import MetricLearning

/// The demo's MLP: inputWidth → 128 → outputWidth with a ReLU between.
struct EmbeddingModel {
    var network: Sequential<Float>

    init(inputWidth: Int, outputWidth: Int, seed: UInt64) throws {
        network = Sequential([
            try Linear<Float>(inputWidth: inputWidth, outputWidth: 128, seed: seed),
            ReLU<Float>(),
            try Linear<Float>(inputWidth: 128, outputWidth: outputWidth, seed: seed &+ 1),
        ])
    }

    /// The outputs for `features` in evaluation mode.
    func embed(_ features: Tensor<Float>) throws -> Tensor<Float> {
        try network(features)
    }

    /// The differentiable outputs for a training batch with the given parameters; the pass
    /// updates the network's running state, if it has any.
    mutating func callAsFunction(_ features: Variable<Float>, parameters: ArraySlice<Variable<Float>>) -> Variable<Float> {
        network(features, parameters: parameters, context: ForwardContext(isTraining: true))
    }

    /// The differentiable outputs in evaluation mode, the model unchanged (for attacks).
    func evaluated(_ features: Variable<Float>, parameters: ArraySlice<Variable<Float>>) -> Variable<Float> {
        network(features, parameters: parameters)
    }
}
