import TensorCore

/// Batches of m items from each of batchSize / m classes, as PML's `MPerClassSampler`.
///
/// Each batch shuffles the classes, takes the first batchSize / m, and draws m rows of each
/// (without replacement, or with replacement from a class of fewer than m rows); a
/// batch lists its classes one after another, m rows each. An epoch holds
/// `lengthBeforeNewIteration` rounded down to a multiple of `batchSize` rows
/// (default 100,000, PML's `length_before_new_iter`).
///
/// PML also takes no batch size (leaving batches to the `DataLoader`); a sampler of
/// batches needs one. The draws are fixed by `seed` and the epoch; they follow PML's
/// distribution, not NumPy's random stream.
///
/// - Complexity: O(batchesPerEpoch · (C + batchSize)) expected per epoch, C classes.
public struct MPerClassSampler: BatchSampler {
    /// Rows drawn from each class of a batch (PML's `m`).
    public let itemsPerClass: Int
    /// Rows per batch, a multiple of `itemsPerClass`.
    public let batchSize: Int
    /// Rows per epoch before rounding down to a multiple of `batchSize`.
    public let lengthBeforeNewIteration: Int
    /// The seed that, with the epoch, fixes every draw.
    public let seed: UInt64
    /// The rows of each class.
    let classes: ClassRows

    /// Creates the sampler over the dataset rows' `labels`.
    /// - Throws: `MetricLearningError` for no labels, `itemsPerClass` < 1, a `batchSize`
    ///   that is not a positive multiple of it or exceeds itemsPerClass × the class count,
    ///   or `lengthBeforeNewIteration` < `batchSize`.
    public init(labels: [Int], itemsPerClass m: Int, batchSize: Int, lengthBeforeNewIteration: Int = 100_000, seed: UInt64 = 0) throws {
        classes = ClassRows(labels)
        guard !labels.isEmpty else { throw MetricLearningError(.emptyInput, "MPerClassSampler needs labels") }
        try BatchValidation.require(m >= 1, "itemsPerClass", m, "must be at least 1")
        try BatchValidation.require(batchSize >= 1 && batchSize % m == 0, "batchSize", batchSize, "must be a positive multiple of itemsPerClass = \(m)")
        try BatchValidation.require(batchSize / m <= classes.labels.count, "batchSize", batchSize,
                                    "must not exceed itemsPerClass × the \(classes.labels.count) classes = \(m * classes.labels.count)")
        try BatchValidation.require(lengthBeforeNewIteration >= batchSize, "lengthBeforeNewIteration", lengthBeforeNewIteration,
                                    "must be at least batchSize = \(batchSize)")
        (itemsPerClass, self.batchSize, self.lengthBeforeNewIteration, self.seed) = (m, batchSize, lengthBeforeNewIteration, seed)
    }

    /// `lengthBeforeNewIteration / batchSize`.
    public var batchesPerEpoch: Int { lengthBeforeNewIteration / batchSize }

    /// The batches of one epoch, drawn from `generator`.
    public func batches(using generator: inout SeededRandomGenerator) -> [[Int]] {
        var order = Array(classes.rows.indices)
        return (0..<batchesPerEpoch).map { _ in
            order.shuffle(using: &generator)
            return order.prefix(batchSize / itemsPerClass).flatMap { generator.choose(itemsPerClass, of: classes.rows[$0]) }
        }
    }
}
