import TensorCore

/// A differentiable layer: trainable parameters as plain tensors, and any other state (batch
/// norm's running statistics) as part of the same value.
///
/// The forward pass takes the parameters as variables, so one `valueWithGradient(at:)`
/// over `parameters` yields every parameter's gradient. It is `mutating` because a training
/// pass may move state that gradients do not train: batch norm updates its running mean and
/// variance, in the model the training loop holds. Everything is a value, so a copy is a
/// checkpoint: `let best = model` keeps its parameters and statistics while training goes on
/// with `model`.
///
/// ```swift
/// var model = Sequential<Float>([...])
/// let context = ForwardContext(isTraining: true, seed: 1)
/// for (batch, labels) in batches {
///     let (loss, gradients) = try valueWithGradient(at: model.parameters) { p in
///         try lossFunction(model(Variable(batch), parameters: p[...], context: context), labels: labels)
///     }
///     try optimizer.update(&model.parameters, along: gradients)
/// }
/// let embeddings = try model(testBatch)  // evaluation mode: `model` is unchanged
/// ```
///
/// Layers are `Sendable`, so a trained model can be handed to tasks (and `Sequential` holds
/// `any Layer` values that are). A layer type of your own that keeps state in a reference must
/// make it safe to share between tasks, and its copies share that state: such a copy is no
/// checkpoint.
public protocol Layer<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The trainable tensors, in a fixed order.
    var parameters: [Tensor<Scalar>] { get set }
    /// The output for `input` (`[N, inputWidth]`) with `parameters` (as many as `self.parameters`,
    /// in their order and shapes) in `context`'s mode.
    ///
    /// A training pass may update the layer's running state (batch norm's statistics); an
    /// evaluation pass leaves the layer as it was. Inputs or parameters that do not fit give an
    /// output that carries a `MetricLearningError` (thrown by `valueWithGradient` or `checked()`).
    mutating func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar>
}

extension Layer {
    /// The output for a tensor with the stored parameters, in evaluation mode and without a
    /// gradient; the layer is unchanged.
    /// - Throws: `MetricLearningError` for an input or parameters that do not fit.
    public func callAsFunction(_ input: Tensor<Scalar>) throws -> Tensor<Scalar> {
        var layer = self
        return try layer(input, context: ForwardContext(isTraining: false))
    }

    /// The output for a tensor with the stored parameters in `context`'s mode, without a
    /// gradient. A training pass updates the layer's running state, as in training.
    /// - Throws: `MetricLearningError` for an input or parameters that do not fit.
    public mutating func callAsFunction(_ input: Tensor<Scalar>, context: ForwardContext) throws -> Tensor<Scalar> {
        let variables = parameters.map { Variable($0) }
        return try self(Variable(input), parameters: variables[...], context: context).checked().value
    }

    /// The differentiable output in evaluation mode; the layer is unchanged. For a gradient
    /// through a model that must stay as it is: an attack on its inputs, a validation loss.
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>) -> Variable<Scalar> {
        var layer = self
        return layer(input, parameters: parameters, context: ForwardContext(isTraining: false))
    }
}
