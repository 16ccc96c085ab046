import TensorCore

/// The layer max(x, 0), without parameters.
public struct ReLU<Scalar: TensorScalar>: ActivationLayer, Sendable {
    /// "ReLU".
    public static var codingKind: String { "ReLU" }

    /// Creates the layer.
    public init() {}

    /// max(x, 0) elementwise.
    public func activate(_ input: Variable<Scalar>) -> Variable<Scalar> { input.relu() }
}
