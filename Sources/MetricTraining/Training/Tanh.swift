import TensorCore

/// The layer tanh x, without parameters.
public struct Tanh<Scalar: TensorScalar>: Layer, Sendable {
    /// None: always empty (assigning parameters has no effect).
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// Creates the layer.
    public init() {}

    /// tanh x elementwise; any parameters given make the result carry a `shapeMismatch`.
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        do {
            try LayerChecks.requireParameterCount(parameters.count, 0, layer: "Tanh")
        } catch {
            return .carrying(error, after: input)
        }
        return input.tanh()
    }
}
