import TensorCore

/// Updates parameters from their gradients, keeping whatever state it needs between steps.
public protocol Optimizer<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// One step: moves `parameters` along `gradients` (same count and shapes).
    mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) throws
}

extension Optimizer {
    /// Throws unless the step size η and the weight decay λ are finite and ≥ 0 and there is
    /// one gradient of the same shape for every parameter: the checks every optimizer makes
    /// after its own.
    static func checkStep(_ parameters: [Tensor<Scalar>], _ gradients: [Tensor<Scalar>], learningRate: Scalar, weightDecay: Scalar) throws {
        try BatchValidation.requireFinite(["learningRate": learningRate, "weightDecay": weightDecay])
        try BatchValidation.require(learningRate >= 0, "learningRate", learningRate, "must not be negative")
        try BatchValidation.require(weightDecay >= 0, "weightDecay", weightDecay, "must not be negative")
        guard parameters.count == gradients.count, zip(parameters, gradients).allSatisfy({ $0.shape == $1.shape }) else {
            throw MetricLearningError(.shapeMismatch, "\(gradients.count) gradients \(gradients.map(\.shape)) for \(parameters.count) parameters \(parameters.map(\.shape))")
        }
    }
}
