/// The value of `function` at `input` and its gradient with respect to `input`.
///
/// `function` must return a one-element variable (a loss). The input is recorded on
/// a tape of its own, so concurrent calls on different threads do not interact.
/// - Throws: what `function` throws; a carried operation failure; or
///   `MetricLearningError.invalidDifferentiation` when the result is not one scalar.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func valueWithGradient<Scalar: TensorScalar>(
    at input: Tensor<Scalar>, in function: (Variable<Scalar>) throws -> Variable<Scalar>
) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
    let (value, gradients) = try valueWithGradient(at: [input]) { try function($0[0]) }
    return (value, gradients[0])
}

/// The value of `function` at `inputs` and its gradient with respect to each input.
///
/// - Returns: the value and one gradient per input, shaped like it (zeros where no
///   gradient flows).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func valueWithGradient<Scalar: TensorScalar>(
    at inputs: [Tensor<Scalar>], in function: ([Variable<Scalar>]) throws -> Variable<Scalar>
) throws -> (value: Scalar, gradient: [Tensor<Scalar>]) {
    let tape = Tape<Scalar>()
    let variables = inputs.map { input in
        Variable(value: input, tape: tape, node: tape.append(inputs: [], pullback: nil), failure: nil)
    }
    let output = try function(variables).checked()
    guard output.value.count == 1 else {
        throw MetricLearningError(.invalidDifferentiation,
            "the differentiated function returned shape \(output.value.shape); it must return one scalar")
    }
    let value = output.value.storage[0]
    guard output.tape === tape else {
        // The result does not depend on the inputs: every gradient is zero.
        return (value, inputs.map { Tensor.zeros(like: $0) })
    }
    let grads = try tape.gradients(from: output.node, seed: Tensor(uncheckedShape: output.value.shape, scalars: [1]))
    let gradients = variables.enumerated().map { i, v in grads[v.node] ?? Tensor.zeros(like: inputs[i]) }
    try requireFiniteResult(value, gradients, inputs: inputs)
    return (value, gradients)
}

/// Throws `overflow` when finite inputs gave a non-finite value or gradient: a result the
/// scalar type cannot hold is named, never returned as ∞ or NaN.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func requireFiniteResult<Scalar: TensorScalar>(_ value: Scalar, _ gradients: [Tensor<Scalar>], inputs: [Tensor<Scalar>]) throws {
    let bad = !value.isFinite ? "the value is \(value)"
        : gradients.firstIndex { !$0.isFinite }.map { "the gradient of input \($0) is not finite" }
    guard let bad, inputs.allSatisfy(\.isFinite) else { return }
    throw MetricLearningError(.overflow, "\(bad) although every input is finite: a result exceeds \(Scalar.self)'s range "
        + "(squared distances of large embeddings do); scale the inputs down or compute in Double")
}
