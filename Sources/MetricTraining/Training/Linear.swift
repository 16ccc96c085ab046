import TensorCore

/// A fully connected layer y = x·W + b with W `[inputWidth, outputWidth]`.
///
/// Initialised as PyTorch's `nn.Linear`: W and b uniform on ±1/√inputWidth, from a seed.
public struct Linear<Scalar: TensorScalar>: Layer, Sendable {
    /// W (`[inputWidth, outputWidth]`) and b (`[outputWidth]`).
    public var parameters: [Tensor<Scalar>]

    /// Creates the layer with seeded initial values.
    /// - Throws: `MetricLearningError.invalidParameter` for a width below 1.
    public init(inputWidth: Int, outputWidth: Int, seed: UInt64) throws {
        try BatchValidation.require(inputWidth >= 1, "inputWidth", inputWidth, "must be at least 1")
        try BatchValidation.require(outputWidth >= 1, "outputWidth", outputWidth, "must be at least 1")
        let bound = 1 / Scalar(inputWidth).squareRoot()
        parameters = [
            try .randomUniform(shape: [inputWidth, outputWidth], lower: -bound, upper: bound, seed: seed),
            try .randomUniform(shape: [outputWidth], lower: -bound, upper: bound, seed: seed &+ 0x9E37),
        ]
    }

    /// x·W + b. Parameters that are not a weight matrix and a bias that fits it, or an input
    /// that is not `[N, inputWidth]`, give a result that carries a `shapeMismatch` naming them.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        do {
            try Self.check(parameterShapes: parameters.map(\.shape))
            try LayerChecks.requireInput(input.shape, width: parameters[parameters.startIndex].shape[0], layer: "Linear")
        } catch {
            return .carrying(error, after: input)
        }
        return matmul(input, parameters[parameters.startIndex]) + parameters[parameters.startIndex + 1]
    }

    /// Throws unless the shapes are a weight `[inputWidth, outputWidth]` and a bias `[outputWidth]`.
    static func check(parameterShapes shapes: [[Int]]) throws {
        try LayerChecks.requireParameterCount(shapes.count, 2, layer: "Linear", names: "weight, bias")
        guard shapes[0].count == 2 else {
            throw MetricLearningError(.shapeMismatch, "Linear's weight must be a matrix [inputWidth, outputWidth], got shape \(shapes[0])")
        }
        guard shapes[1] == [shapes[0][1]] else {
            throw MetricLearningError(.shapeMismatch, "Linear's bias must have shape [\(shapes[0][1])] to fit its weight \(shapes[0]), got \(shapes[1])")
        }
    }
}
