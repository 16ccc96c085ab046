import TensorCore

/// The angular loss's per-pair terms posed from products with the references, as both
/// `FactoredAngularTerms` and the direct `AngularPairTerms` solve them.
///
/// A = Â·Rᵀ (anchors against references), P = R̂·Rᵀ (positives against references; nil when
/// P is A, a batch against itself), cₜ = âₐ·r̂ₚ for pair t = (anchors[t], positives[t]),
/// the anchors' and the references' labels, and k = tan²α.
@usableFromInline struct AngularProducts<Scalar: TensorScalar> {
    /// A, `[N, M]`.
    let anchorProducts: Variable<Scalar>
    /// P, `[M, M]`, or nil when P is A.
    let positiveProducts: Variable<Scalar>?
    /// cₜ, one per pair.
    let pairDots: Variable<Scalar>
    /// Each pair's anchor row.
    let anchors: [Int]
    /// Each pair's positive (reference) row.
    let positives: [Int]
    /// The anchors' labels.
    let labels: [Int]
    /// The references' labels.
    let referenceLabels: [Int]
    /// k = tan²α.
    let tanSquared: Scalar

    /// The differentiable inputs, in the order the terms' pullback returns gradients: A, P
    /// (when separate) and c.
    var variables: [Variable<Scalar>] {
        positiveProducts.map { [anchorProducts, $0, pairDots] } ?? [anchorProducts, pairDots]
    }

    /// The values of A, P (A's when P is A) and c.
    var values: (anchors: Tensor<Scalar>, positives: Tensor<Scalar>, pairDots: Tensor<Scalar>) {
        (anchorProducts.value, (positiveProducts ?? anchorProducts).value, pairDots.value)
    }
}
