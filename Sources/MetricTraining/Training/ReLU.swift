import TensorCore

/// The layer max(x, 0), without parameters.
public struct ReLU<Scalar: TensorScalar>: Layer, Sendable {
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// Creates the layer.
    public init() {}

    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        input.relu()
    }
}
