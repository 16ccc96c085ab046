import TensorCore

/// Updates parameters from their gradients, keeping whatever state it needs between steps.
public protocol Optimizer<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// One step: moves `parameters` along `gradients` (same count and shapes).
    mutating func update(_ parameters: inout [Tensor<Scalar>], along gradients: [Tensor<Scalar>]) throws
}

extension Optimizer {
    func checkShapes(_ parameters: [Tensor<Scalar>], _ gradients: [Tensor<Scalar>]) throws {
        guard parameters.count == gradients.count, zip(parameters, gradients).allSatisfy({ $0.shape == $1.shape }) else {
            throw MetricLearningError(.shapeMismatch, "\(gradients.count) gradients \(gradients.map(\.shape)) for \(parameters.count) parameters \(parameters.map(\.shape))")
        }
    }
}
