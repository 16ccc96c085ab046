import TensorCore

/// The layer tanh x, without parameters.
public struct Tanh<Scalar: TensorScalar>: ActivationLayer, Sendable {
    /// "Tanh".
    public static var codingKind: String { "Tanh" }

    /// Creates the layer.
    public init() {}

    /// tanh x elementwise.
    public func activate(_ input: Variable<Scalar>) -> Variable<Scalar> { input.tanh() }
}
