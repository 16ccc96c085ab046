import TensorCore

/// The mean over the terms strictly inside (low, high); 0 when none are. Bounds that are NaN
/// or not in order give a result that carries an `invalidParameter` error.
///
/// PML's `ThresholdReducer`: drops terms too small to teach anything and outliers.
public struct ThresholdReducer<Scalar: TensorScalar>: Reducer, Codable {
    /// Terms must be greater than this.
    public let low: Scalar
    /// Terms must be smaller than this.
    public let high: Scalar

    /// Creates the reducer; `-.infinity` or `.infinity` leave a side open.
    public init(low: Scalar = -.infinity, high: Scalar = .infinity) {
        (self.low, self.high) = (low, high)
    }

    /// The mean of the terms strictly between the bounds (their context does not matter).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reduce(_ terms: LossTerms<Scalar>) -> Variable<Scalar> {
        guard !low.isNaN && !high.isNaN && low < high else {
            return terms.failure(MetricLearningError(.invalidParameter, "low...high = \(low)...\(high) is out of range: must be numbers with low < high"))
        }
        let terms = terms.values
        let keep = terms.value.scalars.map { $0 > low && $0 < high }
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        let zeros = Variable(Tensor<Scalar>(uncheckedShape: terms.shape, scalars: Array(repeating: 0, count: terms.value.count)))
        let masked = zeros.replacing(with: terms, where: keep)
        return kept == 0 ? masked.sum() : masked.sum() / Scalar(kept)
    }
}
