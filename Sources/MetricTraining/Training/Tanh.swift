import TensorCore

/// The layer tanh x, without parameters.
public struct Tanh<Scalar: TensorScalar>: Layer, Sendable {
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// Creates the layer.
    public init() {}

    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        input.tanh()
    }
}
