import MetricLearning

/// What one run trains with: the batch loss and the loss's own parameters.
struct Objective {
    /// How a batch becomes a loss.
    enum Step {
        /// The loss of labelled embeddings, given the loss's own parameters (as variables,
        /// none for a metric loss) and the miner, if any.
        case labelled((_ embeddings: Variable<Float>, _ parameters: ArraySlice<Variable<Float>>, _ labels: [Int],
                       _ miner: (any Miner<Float>)?) throws -> Variable<Float>)
        /// The loss of two views of the same items (row i of both one item), without labels.
        case views((_ first: Variable<Float>, _ second: Variable<Float>) throws -> Variable<Float>)
    }

    /// The loss's own parameters (class weights, proxies), stepped beside the model's by
    /// their own optimizer; empty for a metric loss.
    var parameters: [Tensor<Float>] = []
    /// The batch loss.
    let step: Step
    /// Applied to `parameters` after each step.
    var afterStep: (inout [Tensor<Float>]) -> Void = { _ in }
}
