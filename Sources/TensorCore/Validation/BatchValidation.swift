/// The checks every loss, miner, layer and optimizer makes at the public boundary.
///
/// Public so that code outside the library validates a batch the way the library's own
/// losses do, with the same errors and messages.
public enum BatchValidation {
    /// Validates a batch and returns its size and embedding width.
    ///
    /// - Throws: `MetricLearningError` for a non-matrix, an empty batch, zero-width
    ///   embeddings, a label count that differs from the batch size, or non-finite values.
    @discardableResult
    @inlinable public static func check<Scalar: TensorScalar>(
        _ embeddings: Tensor<Scalar>, labels: [Int]
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
        if let bad = Reductions.firstNonFinite(in: embeddings.storage) {
            throw MetricLearningError(.nonFiniteInput,
                "embedding [\(bad / d), \(bad % d)] is \(embeddings.scalars[bad]); embeddings must be finite")
        }
        return (n, d)
    }

    /// Validates the batch behind a variable, throwing its carried failure first.
    @discardableResult
    @inlinable public static func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, labels: [Int]
    ) throws -> (count: Int, width: Int) {
        try check(embeddings.checked().value, labels: labels)
    }

    /// Throws unless every named hyperparameter is finite (NaN or ±∞ would make every term NaN
    /// or every comparison false, silently).
    @inlinable public static func requireFinite<Scalar: TensorScalar>(_ values: KeyValuePairs<String, Scalar>) throws {
        for (name, value) in values where !value.isFinite {
            throw MetricLearningError(.invalidParameter, "\(name) = \(value) is out of range: must be finite")
        }
    }

    /// Throws unless every weight of a combination is finite.
    @inlinable public static func requireFiniteWeights<Scalar: TensorScalar>(_ weights: [Scalar]) throws {
        if let part = weights.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.invalidParameter, "weight = \(weights[part]) of part \(part) is out of range: must be finite")
        }
    }

    /// Throws unless every label present occurs equally often: batches of m items per class,
    /// as listwise losses over class groups need (SmoothAP; PML's `MPerClassSampler` makes them).
    ///
    /// - Throws: `MetricLearningError.invalidLabels` listing the count of each label (the
    ///   first eight, in increasing label order).
    public static func requireEqualClassCounts(_ labels: [Int]) throws {
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        guard Set(counts.values).count > 1 else { return }
        let listed = counts.sorted { $0.key < $1.key }.prefix(8).map { "\($0.key): \($0.value)" }
        throw MetricLearningError(.invalidLabels, "every class must have the same number of items, but the label counts are "
            + "[\(listed.joined(separator: ", "))\(counts.count > 8 ? ", …" : "")]")
    }

    /// Throws unless `condition` holds, naming the parameter and its value.
    @inlinable public static func require(_ condition: Bool, _ name: String, _ value: Any, _ rule: String) throws {
        guard condition else {
            throw MetricLearningError(.invalidParameter, "\(name) = \(value) is out of range: \(rule)")
        }
    }
}
