import TensorCore

/// The checks every classifier loss makes at the public boundary.
@usableFromInline enum ClassifierValidation {
    /// Validates embeddings, weights and labels; returns batch size, width and class count.
    @discardableResult
    @usableFromInline static func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]
    ) throws -> (count: Int, width: Int, classes: Int) {
        let (n, d) = try BatchValidation.check(embeddings, labels: labels)
        let w = try weights.checked().value
        guard w.rank == 2, w.shape[0] == d, w.shape[1] > 0 else {
            throw MetricLearningError(.shapeMismatch,
                "weights must be [embeddingSize, classCount] = [\(d), C ≥ 1], got shape \(w.shape)")
        }
        let c = w.shape[1]
        if let bad = labels.first(where: { $0 < 0 || $0 >= c }) {
            throw MetricLearningError(.invalidLabels, "label \(bad) is outside 0..<\(c) (the weight matrix has \(c) classes)")
        }
        if let bad = w.scalars.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput, "weight [\(bad / c), \(bad % c)] is \(w.scalars[bad]); weights must be finite")
        }
        return (n, d, c)
    }

    /// The one-hot matrix of `labels` over `classes`.
    @usableFromInline static func oneHot<Scalar: TensorScalar>(_ labels: [Int], classes: Int) -> Tensor<Scalar> {
        var out = [Scalar](repeating: 0, count: labels.count * classes)
        for (i, y) in labels.enumerated() { out[i * classes + y] = 1 }
        return Tensor(uncheckedShape: [labels.count, classes], scalars: out)
    }
}
