import TensorCore

/// A layer without parameters that applies one differentiable function elementwise (`ReLU`,
/// `Tanh`): a conformer names itself and gives the function; the rest of `Layer` and
/// `CodableLayer` comes from this protocol.
///
/// Saved as an empty set of fields, `{}`. Any parameters given to the forward pass make the
/// result carry a `shapeMismatch` that names the layer by its `codingKind`.
public protocol ActivationLayer<Scalar>: CodableLayer {
    /// Creates the layer.
    init()
    /// The function, applied to every element of `input`.
    func activate(_ input: Variable<Scalar>) -> Variable<Scalar>
}

/// The coding keys of a layer without fields.
private enum NoCodingKeys: CodingKey {}

extension ActivationLayer {
    /// None: always empty (assigning parameters has no effect).
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// `activate(input)`; any parameters given make the result carry a `shapeMismatch`.
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        do {
            try LayerChecks.requireParameterCount(parameters.count, 0, layer: Self.codingKind)
        } catch {
            return .carrying(error, after: input)
        }
        return activate(input)
    }

    /// Decodes the layer, which has no fields.
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: NoCodingKeys.self)
        self.init()
    }

    /// Encodes the layer as an empty set of fields.
    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: NoCodingKeys.self)
    }
}
