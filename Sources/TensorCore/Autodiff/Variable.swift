/// A tensor that records the operations applied to it, for reverse-mode differentiation.
///
/// Inside `valueWithGradient(at:in:)` the inputs are variables on a fresh tape, and
/// every operation on them adds a node. Variables made with `init(_:)` are constants:
/// they take part in the computation but receive no gradient.
///
/// Operations never throw. A shape error is carried along in the result and thrown by
/// `valueWithGradient` or `checkGradients`, naming the first operation that failed.
public struct Variable<Scalar: TensorScalar>: Sendable {
    /// Maps the gradient of an operation's output to the gradients of its inputs, one per
    /// input in order (`nil` where an input needs none). The gradient is passed owned, so a
    /// pullback may rewrite it in place.
    public typealias Pullback = (consuming Tensor<Scalar>) -> [Tensor<Scalar>?]

    /// The current value.
    public let value: Tensor<Scalar>
    @usableFromInline package let tape: Tape<Scalar>?
    @usableFromInline package let node: Int
    /// The first error of the computation that produced this variable, if any.
    public let failure: MetricLearningError?

    /// A constant: it takes part in computations but receives no gradient.
    public init(_ value: Tensor<Scalar>) {
        self.init(value: value, tape: nil, node: -1, failure: nil)
    }

    /// A rank-0 constant.
    public init(_ scalar: Scalar) { self.init(Tensor(scalar)) }

    @usableFromInline package init(value: Tensor<Scalar>, tape: Tape<Scalar>?, node: Int, failure: MetricLearningError?) {
        (self.value, self.tape, self.node, self.failure) = (value, tape, node, failure)
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// True when this variable is on a tape (it will receive or pass on a gradient).
    public var isTracked: Bool { tape != nil }

    /// True when both are the same recorded variable, or the same constant storage.
    public func isSameVariable(as other: Variable) -> Bool {
        if let tape, let otherTape = other.tape { return tape === otherTape && node == other.node }
        guard tape == nil, other.tape == nil, value.shape == other.value.shape else { return false }
        return value.storage.withUnsafeBufferPointer { a in other.value.storage.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }

    /// The value with no gradient flowing back through it.
    public var withoutDerivative: Variable { Variable(value) }

    /// Runs a differentiable operation of your own on `inputs` and records it: the
    /// extension point for operations with a hand-written pullback.
    ///
    /// `body` computes the output value from the inputs' values and returns it with its
    /// pullback, throwing on bad shapes. A failure among the inputs, or thrown by `body`, is
    /// carried by the result (and thrown by `checked()` or `valueWithGradient`).
    ///
    /// ```swift
    /// // y = Σ x², with ∂y/∂x = 2x·ȳ
    /// let y = Variable.record([x]) {
    ///     let v = x.value
    ///     return (Tensor((v * v).scalars.reduce(0, +)), { g in [v * (2 * g.scalars[0])] })
    /// }
    /// ```
    /// Check it against finite differences with `checkGradients(at:in:)`.
    public static func record(
        _ inputs: [Variable], _ body: () throws -> (Tensor<Scalar>, Pullback)
    ) -> Variable {
        if let failed = inputs.first(where: { $0.failure != nil }) {
            return Variable(value: failed.value, tape: nil, node: -1, failure: failed.failure)
        }
        var tape: Tape<Scalar>?
        for input in inputs {
            guard let t = input.tape else { continue }
            if let existing = tape, existing !== t {
                return Variable(value: inputs[0].value, tape: nil, node: -1, failure: MetricLearningError(
                    .invalidDifferentiation, "an operation mixes variables from two different differentiation calls"))
            }
            tape = t
        }
        do {
            let (value, pullback) = try body()
            guard let tape else { return Variable(value) }
            let node = tape.append(inputs: inputs.map { $0.tape == nil ? -1 : $0.node }, pullback: pullback)
            return Variable(value: value, tape: tape, node: node, failure: nil)
        } catch let error as MetricLearningError {
            return Variable(value: inputs[0].value, tape: nil, node: -1, failure: error)
        } catch {
            return Variable(value: inputs[0].value, tape: nil, node: -1, failure: MetricLearningError(.invalidDifferentiation, "\(error)"))
        }
    }

    /// Throws the carried failure, if any.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checked() throws -> Variable {
        if let failure { throw failure }
        return self
    }
}
