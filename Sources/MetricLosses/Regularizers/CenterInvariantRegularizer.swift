import TensorCore

/// Pulls the class vectors towards equal norms (Wu et al. 2017, "Deep face recognition with
/// center invariant loss"), as PML's `CenterInvariantRegularizer`.
///
/// With sₖ = ‖wₖ‖² and s̄ their mean over the K class vectors:
///
///     R = mean over k of (sₖ − s̄)² / 4
///
/// PML's `MeanReducer`; the gradient flows through s̄ too. Norms are not normalised.
///
/// - Complexity: O(K·D).
public struct CenterInvariantRegularizer<Scalar: TensorScalar>: WeightRegularizer, Codable {
    /// Creates the regularizer.
    public init() {}

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ classVectors: Variable<Scalar>) throws -> Variable<Scalar> {
        try ClassifierValidation.checkClassVectors(classVectors)
        let squaredNorms = classVectors.squared().sum(alongAxis: 1)
        return try ((squaredNorms - squaredNorms.mean()).squared() / 4).mean().checked()
    }
}
