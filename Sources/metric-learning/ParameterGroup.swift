import MetricLearning

/// Parameters that one optimizer steps: the model's, or a loss's own (class weights,
/// proxies), which usually learn at a rate of their own.
struct ParameterGroup {
    var parameters: [Tensor<Float>]
    var optimizer: any Optimizer<Float>
    /// Applied to the parameters after each step (P2SGrad stores its rescaled weights, as PML
    /// rescales its parameter in place).
    var afterStep: (inout [Tensor<Float>]) -> Void = { _ in }

    /// One optimizer step along `gradients` (one per parameter), then `afterStep`.
    mutating func step(along gradients: [Tensor<Float>]) throws {
        try optimizer.update(&parameters, along: gradients)
        afterStep(&parameters)
    }
}
