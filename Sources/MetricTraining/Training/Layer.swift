import TensorCore

/// A differentiable layer whose parameters are plain tensors.
///
/// The forward pass takes the parameters as variables, so one `valueWithGradient(at:)`
/// over `parameters` yields every parameter's gradient:
///
/// ```swift
/// let (loss, gradients) = try valueWithGradient(at: model.parameters) { p in
///     try lossFunction(model(Variable(batch), parameters: p[...], context: context), labels: labels)
/// }
/// try optimizer.update(&model.parameters, along: gradients)
/// ```
public protocol Layer<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The trainable tensors, in a fixed order.
    var parameters: [Tensor<Scalar>] { get set }
    /// The output for `input` (`[N, inputWidth]`) with `parameters` (as many as `self.parameters`).
    func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar>
}

extension Layer {
    /// The output for a tensor with the stored parameters, without a gradient (evaluation mode).
    public func callAsFunction(_ input: Tensor<Scalar>, context: ForwardContext = ForwardContext(isTraining: false)) throws -> Tensor<Scalar> {
        try self(Variable(input), parameters: parameters.map { Variable($0) }[...], context: context).checked().value
    }
}
