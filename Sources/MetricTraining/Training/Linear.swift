import TensorCore

/// A fully connected layer y = x·W + b with W `[inputWidth, outputWidth]`.
///
/// Initialised as PyTorch's `nn.Linear`: W and b uniform on ±1/√inputWidth, from a seed.
public struct Linear<Scalar: TensorScalar>: Layer, Sendable {
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

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        let p = Array(parameters)
        return matmul(input, p[0]) + p[1]
    }
}
