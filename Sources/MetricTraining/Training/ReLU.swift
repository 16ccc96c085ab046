import TensorCore

/// The layer max(x, 0), without parameters.
public struct ReLU<Scalar: TensorScalar>: Layer, Sendable {
    /// None: always empty (assigning parameters has no effect).
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// Creates the layer.
    public init() {}

    /// max(x, 0) elementwise; any parameters given make the result carry a `shapeMismatch`.
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        do {
            try LayerChecks.requireParameterCount(parameters.count, 0, layer: "ReLU")
        } catch {
            return .carrying(error, after: input)
        }
        return input.relu()
    }
}
