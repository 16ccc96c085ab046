import TensorCore
import MetricLosses

/// A classifier loss together with the parameter it trains — class weights, proxies or
/// centres, in the loss's layout — as one value a training loop holds beside its model.
///
/// The weights start as the loss's `initialWeights(classCount:embeddingSize:seed:)` (PML's
/// distribution). `parameters` is the one-element list an `Optimizer` steps, usually with its
/// own optimizer and a larger learning rate than the model's (the common recipe for proxy and
/// margin-softmax losses). One training step, differentiating model and loss together:
///
/// ```swift
/// let (value, gradients) = try valueWithGradient(at: model.parameters + head.parameters) { p in
///     let embeddings = model(Variable(batch), parameters: p.dropLast(), context: context)
///     return try head(embeddings, parameters: p.suffix(1), labels: labels)
/// }
/// try modelOptimizer.update(&model.parameters, along: Array(gradients.dropLast()))
/// try headOptimizer.update(&head.parameters, along: Array(gradients.suffix(1)))
/// ```
///
/// A value: a copy is a checkpoint. `Codable` when the loss is (every loss of the library
/// with a parameter is), so a model and its loss are saved together.
public struct TrainableLoss<Loss: ClassifierLoss>: Sendable {
    /// The scalar type.
    public typealias Scalar = Loss.Scalar
    /// The loss.
    public var loss: Loss
    /// The loss's parameter (`[embeddingSize, classCount]` class weights for most losses).
    public var weights: Tensor<Scalar> {
        didSet { assignmentFailure = nil }
    }
    /// Why the last assignment to `parameters` was refused, until weights are assigned; the
    /// loss carries it.
    private(set) var assignmentFailure: MetricLearningError?

    /// Creates the loss with its initial weights for `classCount` classes of
    /// `embeddingSize`-wide embeddings, drawn from `seed`.
    /// - Throws: what `loss.initialWeights(classCount:embeddingSize:seed:)` throws.
    public init(_ loss: Loss, classCount: Int, embeddingSize: Int, seed: UInt64 = 0) throws {
        self.init(loss, weights: try loss.initialWeights(classCount: classCount, embeddingSize: embeddingSize, seed: seed))
    }

    /// Creates the loss with `weights` (checked when the loss is called).
    public init(_ loss: Loss, weights: Tensor<Scalar>) {
        (self.loss, self.weights) = (loss, weights)
    }

    /// `[weights]`, for an `Optimizer`.
    ///
    /// Assigning a list of another count than one (a setter cannot throw) leaves the weights
    /// as they were, and the next call gives a `shapeMismatch` naming the count, until weights
    /// are assigned.
    public var parameters: [Tensor<Scalar>] {
        get { [weights] }
        set {
            guard newValue.count == 1 else {
                assignmentFailure = MetricLearningError(.shapeMismatch,
                    "\(newValue.count) parameters were assigned to a TrainableLoss, which holds 1 (its weights); they were left as they were")
                return
            }
            weights = newValue[0]
        }
    }

    /// The loss of `embeddings` with `parameters` standing for `[weights]` (one variable):
    /// the form for one `valueWithGradient(at:in:)` over a model's parameters and the loss's.
    /// - Throws: `MetricLearningError` for a parameter count other than one, a refused
    ///   assignment to `parameters`, or what the loss throws.
    public func callAsFunction(_ embeddings: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, labels: [Int]) throws -> Variable<Scalar> {
        if let assignmentFailure { throw assignmentFailure }
        guard parameters.count == 1, let weights = parameters.first else {
            throw MetricLearningError(.shapeMismatch, "\(parameters.count) parameters for a TrainableLoss, which takes 1 (its weights)")
        }
        return try loss(embeddings, weights: weights, labels: labels)
    }

    /// The loss of `embeddings` with the stored weights held constant (a validation loss).
    /// - Throws: what `callAsFunction(_:parameters:labels:)` throws.
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try self(embeddings, parameters: [Variable(weights)], labels: labels)
    }

    /// The loss value and its gradients with respect to the embeddings and the weights
    /// (`parameterGradients`, one tensor, for `update(&parameters, along:)`).
    /// - Throws: what `callAsFunction(_:parameters:labels:)` throws.
    public func valueWithGradients(embeddings: Tensor<Scalar>, labels: [Int]) throws -> LossGradients<Scalar> {
        if let assignmentFailure { throw assignmentFailure }
        return try loss.valueWithGradient(embeddings: embeddings, weights: weights, labels: labels)
    }
}
