import TensorCore

/// The checks every classifier loss makes at the public boundary.
@usableFromInline enum ClassifierValidation {
    /// Validates embeddings, weights and labels; returns batch size, width and class count.
    /// With `columnsPerClass` k > 1 the weights are `[D, C·k]`, class c's columns c·k..<(c + 1)·k
    /// (sub-centres).
    @discardableResult
    @usableFromInline static func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int], columnsPerClass k: Int = 1
    ) throws -> (count: Int, width: Int, classes: Int) {
        try ClassifierParameterLayout.columns(name: "weights", perClass: k).check(embeddings, weights, labels: labels)
    }

    /// Validates the class vectors a weight regularizer is given (`[K, D]`, K, D ≥ 1, finite);
    /// returns K and D.
    @discardableResult
    @usableFromInline static func checkClassVectors<Scalar: TensorScalar>(_ vectors: Variable<Scalar>) throws -> (count: Int, width: Int) {
        let v = try vectors.checked().value
        guard v.rank == 2 else { throw MetricLearningError(.shapeMismatch, "class vectors must be a matrix [count, width], got shape \(v.shape)") }
        let (k, d) = (v.shape[0], v.shape[1])
        guard k > 0, d > 0 else { throw MetricLearningError(.emptyInput, "class vectors of shape \(v.shape): at least one row of width ≥ 1 is needed") }
        if let bad = v.scalars.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput, "class vector [\(bad / d), \(bad % d)] is \(v.scalars[bad]); class vectors must be finite")
        }
        return (k, d)
    }

    /// The one-hot matrix of `labels` over `classes`.
    @usableFromInline static func oneHot<Scalar: TensorScalar>(_ labels: [Int], classes: Int) -> Tensor<Scalar> {
        var out = [Scalar](repeating: 0, count: labels.count * classes)
        for (i, y) in labels.enumerated() { out[i * classes + y] = 1 }
        return Tensor(uncheckedShape: [labels.count, classes], scalars: out)
    }
}
