import TensorCore

/// The mean of the terms, each weighted by its anchor's class: (1/T) Σₜ w[y(aₜ)]·tₜ, where
/// aₜ is term t's anchor (the element itself for per-element terms) and y its label; 0
/// when there are no terms. PML's `ClassWeightedReducer`.
///
/// Counters class imbalance: give a rare class a larger weight. The weights are indexed by
/// class label, so labels must lie in `0..<weights.count`. The result carries an error
/// (thrown by `checked()` or `valueWithGradient`) for a weight that is not finite, a label
/// without a weight, or terms without labels (a bare vector of values has none).
///
/// One difference from PML: PML's `MultiSimilarityLoss`, `CircleLoss` and `AngularLoss`
/// hand over their terms as a `[T, 1]` column, which PML's reducer broadcasts against the
/// T weights into a `[T, T]` product, so with those losses PML returns
/// mean(terms) · mean(weights of the anchors' classes) rather than a weighted mean. Here
/// every loss's terms are weighted one by one, as the formula says (with the other losses
/// PML does the same).
///
/// - Complexity: O(T) for T terms.
public struct ClassWeightedReducer<Scalar: TensorScalar>: Reducer, Codable {
    /// The weight of each class, by label.
    public let weights: [Scalar]

    /// Creates the reducer with one weight per class label `0..<weights.count`.
    public init(weights: [Scalar]) {
        self.weights = weights
    }

    /// The mean of the terms weighted by their anchors' classes, or a result carrying the error.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        do {
            for (c, w) in weights.enumerated() { try BatchValidation.require(w.isFinite, "weights[\(c)]", w, "must be finite") }
            guard terms.count > 0 else { return TermReduction.mean.reduce(terms.values) }
            let labels = terms.labels
            let factors = try terms.checkedAnchors(needsLabels: true).map { anchor -> Scalar in
                guard weights.indices.contains(labels[anchor]) else {
                    throw MetricLearningError(.invalidLabels, "label \(labels[anchor]) of row \(anchor) has no class weight: the \(weights.count) weights cover labels 0..<\(weights.count)")
                }
                return weights[labels[anchor]]
            }
            return TermReduction.mean.reduce(terms.values * Variable(Tensor(factors)))
        } catch {
            return terms.failure(error)
        }
    }
}
