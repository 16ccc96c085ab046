import TensorCore

/// Layers applied in order; its parameters are theirs, concatenated.
///
/// A value like its layers: a training pass updates the running state of the layers inside
/// this model, and a copy keeps its own.
public struct Sequential<Scalar: TensorScalar>: Layer, Sendable {
    /// The layers, first applied first.
    public var layers: [any Layer<Scalar>] {
        didSet { assignmentFailure = nil }
    }
    /// Why the last assignment to `parameters` was refused, until layers or parameters that fit
    /// are assigned; the forward pass carries it.
    private(set) var assignmentFailure: MetricLearningError?

    /// Creates the composition.
    public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

    /// The layers' parameters, concatenated in order.
    ///
    /// Assigning a list whose count differs from the layers' total (a setter cannot throw)
    /// leaves every layer as it was, and the next forward pass gives a result that carries a
    /// `shapeMismatch` naming both counts, until parameters or layers that fit are assigned.
    /// Shapes are each layer's to check, in its forward pass.
    public var parameters: [Tensor<Scalar>] {
        get { layers.flatMap { $0.parameters } }
        set {
            let counts = layers.map { $0.parameters.count }
            let total = counts.reduce(0, +)
            guard newValue.count == total else {
                assignmentFailure = MetricLearningError(.shapeMismatch,
                    "\(newValue.count) parameters were assigned to a Sequential whose layers hold \(total); its layers were left as they were")
                return
            }
            var offset = 0
            for (i, count) in zip(layers.indices, counts) {
                layers[i].parameters = Array(newValue[offset..<(offset + count)])
                offset += count
            }
            assignmentFailure = nil
        }
    }

    /// Each layer's output is the next one's input; each layer takes its own parameters.
    ///
    /// A parameter count that differs from the layers' total, or a refused assignment to
    /// `parameters`, gives a result that carries a `shapeMismatch`.
    public mutating func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        let counts = layers.map { $0.parameters.count }
        do {
            if let assignmentFailure { throw assignmentFailure }
            try LayerChecks.requireParameterCount(parameters.count, counts.reduce(0, +), layer: "Sequential")
        } catch {
            return .carrying(error, after: input)
        }
        var x = input
        var offset = parameters.startIndex
        for (i, count) in zip(layers.indices, counts) {
            x = layers[i](x, parameters: parameters[offset..<(offset + count)], context: context)
            offset += count
        }
        return x
    }
}
