/// The checks every loss and miner makes at the public boundary.
@usableFromInline enum BatchValidation {
    /// Validates a batch and returns its size and embedding width.
    ///
    /// - Throws: `MetricLearningError` for a non-matrix, an empty batch, zero-width
    ///   embeddings, a label count that differs from the batch size, non-finite values,
    ///   or mined indices outside the batch.
    @discardableResult
    @usableFromInline static func check<Scalar: TensorScalar>(
        _ embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (count: Int, width: Int) {
        guard embeddings.rank == 2 else {
            throw MetricLearningError(.shapeMismatch, "embeddings must be a matrix [batch, width], got shape \(embeddings.shape)")
        }
        let (n, d) = (embeddings.shape[0], embeddings.shape[1])
        guard n > 0 else { throw MetricLearningError(.emptyInput, "the batch is empty (shape \(embeddings.shape))") }
        guard d > 0 else { throw MetricLearningError(.emptyInput, "embeddings have zero width (shape \(embeddings.shape))") }
        guard labels.count == n else {
            throw MetricLearningError(.invalidLabels, "\(labels.count) labels for a batch of \(n) embeddings")
        }
        if let bad = embeddings.scalars.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput,
                "embedding [\(bad / d), \(bad % d)] is \(embeddings.scalars[bad]); embeddings must be finite")
        }
        try tuples?.validate(batchSize: n, referenceCount: n)
        return (n, d)
    }

    /// Validates the batch behind a variable, throwing its carried failure first.
    @discardableResult
    @usableFromInline static func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (count: Int, width: Int) {
        try check(embeddings.checked().value, labels: labels, tuples: tuples)
    }

    /// Throws unless every named hyperparameter is finite (NaN or ±∞ would make every term NaN
    /// or every comparison false, silently).
    @usableFromInline static func requireFinite<Scalar: TensorScalar>(_ values: KeyValuePairs<String, Scalar>) throws {
        for (name, value) in values where !value.isFinite {
            throw MetricLearningError(.invalidParameter, "\(name) = \(value) is out of range: must be finite")
        }
    }

    /// Throws unless every weight of a combination is finite.
    @usableFromInline static func requireFiniteWeights<Scalar: TensorScalar>(_ weights: [Scalar]) throws {
        if let part = weights.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.invalidParameter, "weight = \(weights[part]) of part \(part) is out of range: must be finite")
        }
    }

    /// Throws unless `condition` holds, naming the parameter and its value.
    @usableFromInline static func require(_ condition: Bool, _ name: String, _ value: Any, _ rule: String) throws {
        guard condition else {
            throw MetricLearningError(.invalidParameter, "\(name) = \(value) is out of range: \(rule)")
        }
    }
}
