import TensorCore

/// The sum of the terms divided by the divisor their loss gives, Σ tᵢ / `terms.divisor`;
/// 0 (with a zero gradient) when the divisor is 0. PML's `DivisorReducer`.
///
/// The divisor is a count the loss knows and the terms do not show, such as PML's
/// `MarginLoss` (its non-zero positive and negative terms) or `ProxyAnchorLoss` (its
/// proxies with positives). Terms whose loss gives no divisor are summed (PML's default
/// divisor 1; PML itself fails on them).
///
/// - Complexity: O(T) for T terms.
public struct DivisorReducer<Scalar: TensorScalar>: Reducer, Codable {
    /// Creates the reducer.
    public init() {}

    /// The sum of the terms over their divisor (1 when they give none; 0 for a divisor of 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        let divisor = terms.divisor ?? 1
        return divisor == 0 ? (terms.values * 0).sum() : terms.values.sum() / divisor
    }
}
