import TensorCore

/// Pushes the centres of each class apart, so that unneeded ones can merge and fall silent
/// (Qian et al. 2019, SoftTriple's regulariser), as PML's `SparseCentersRegularizer`.
///
/// The K = C·k class vectors are C classes of k centres each (class c's are rows
/// c·k..<(c + 1)·k). Over the P = C·k(k − 1)/2 pairs s < t of centres of one class, with
/// cos θₛₜ their cosine:
///
///     R = Σ √(2 + ε − min(2 cos θₛₜ, 2)) / (2P)
///
/// with ε the smallest normal number (PML's `small_val`), PML's `DivisorReducer` with
/// divisor 2P; its gradient is 0 where the root is 0 (identical centres). PML's
/// `CosineSimilarity`. Nothing is detached.
///
/// - Complexity: O(C·k²·D).
public struct SparseCentersRegularizer<Scalar: TensorScalar>: WeightRegularizer, Codable {
    /// The number of classes C (PML's `num_classes`).
    public var classCount: Int
    /// The number of centres k of each class (PML's `centers_per_class`, at least 2).
    public var centersPerClass: Int

    /// Creates the regularizer for `classCount` classes of `centersPerClass` centres each.
    public init(classCount: Int, centersPerClass: Int) {
        (self.classCount, self.centersPerClass) = (classCount, centersPerClass)
    }

    /// - Throws: `MetricLearningError` for fewer than one class or two centres per class, or
    ///   class vectors that are not `classCount·centersPerClass` rows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ classVectors: Variable<Scalar>) throws -> Variable<Scalar> {
        let (c, k) = (classCount, centersPerClass)
        try BatchValidation.require(c >= 1, "classCount", c, "must be at least 1")
        try BatchValidation.require(k >= 2, "centersPerClass", k, "must be at least 2")
        let rows = try ClassifierValidation.checkClassVectors(classVectors).count
        guard rows == c * k else {
            throw MetricLearningError(.shapeMismatch, "\(rows) class vectors for \(c) classes of \(k) centres: \(c * k) are needed")
        }
        var first: [Int] = [], second: [Int] = []
        for start in stride(from: 0, to: rows, by: k) {
            for s in start..<(start + k) {
                for t in (s + 1)..<(start + k) { first.append(s); second.append(t) }
            }
        }
        let cosines = classVectors.normalizedRows().pairDotProducts(rows: first, columns: second)
        let roots = (2 + Scalar.leastNormalMagnitude - 2 * cosines.clamped(upper: 1)).squareRoot()
        return try (roots.sum() / Scalar(2 * first.count)).checked()
    }
}
