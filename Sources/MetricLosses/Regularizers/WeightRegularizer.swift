import TensorCore

/// A penalty on a classifier loss's own parameter — its class weights, proxies or centres —
/// added to the loss with a weight (`ClassifierLoss.regularized(by:weight:)`, PML's
/// `weight_regularizer` and `weight_reg_weight`).
///
/// A conformer sees the parameter as one row per class vector, `[K, D]`, as the loss's
/// `classVectors(_:)` gives it (PML passes `W.t()`), and returns the reduced penalty.
public protocol WeightRegularizer<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The penalty of `classVectors` (`[K, D]`, one row per class vector).
    /// - Throws: `MetricLearningError` for class vectors that are not a finite matrix with at
    ///   least one row (or do not fit the regularizer), or a hyperparameter out of range.
    func callAsFunction(_ classVectors: Variable<Scalar>) throws -> Variable<Scalar>
}
