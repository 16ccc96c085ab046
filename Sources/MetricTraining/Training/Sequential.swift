import TensorCore

/// Layers applied in order; its parameters are theirs, concatenated.
///
/// A value like its layers: a training pass updates the running state of the layers inside
/// this model, and a copy keeps its own.
public struct Sequential<Scalar: TensorScalar>: Layer, Sendable {
    /// The layers, first applied first.
    public var layers: [any Layer<Scalar>]

    /// Creates the composition.
    public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

    public var parameters: [Tensor<Scalar>] {
        get { layers.flatMap { $0.parameters } }
        set {
            var offset = 0
            for i in layers.indices {
                let count = layers[i].parameters.count
                layers[i].parameters = Array(newValue[offset..<(offset + count)])
                offset += count
            }
        }
    }

    /// Each layer's output is the next one's input; each layer takes its own parameters.
    public mutating func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        var x = input
        var offset = parameters.startIndex
        for i in layers.indices {
            let count = layers[i].parameters.count
            x = layers[i](x, parameters: parameters[offset..<(offset + count)], context: context)
            offset += count
        }
        return x
    }
}
