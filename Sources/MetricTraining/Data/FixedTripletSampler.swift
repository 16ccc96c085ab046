import TensorCore

/// A fixed set of triplets, drawn once, served in a new order each epoch, as PML's
/// `FixedSetOfTriplets` — for training when the only ground truth is a set of triplets.
///
/// Each triplet draws two different labels uniformly, then an anchor and a positive from
/// the first (distinct when the class has two rows or more, else the one row twice) and a
/// negative from the second. Each epoch shuffles the triplets and lays them out
/// anchor, positive, negative, three rows each, cut into batches of `batchSize` rows (the
/// last may be shorter, a multiple of 3 too): the layout `PackagedTripletsMiner` reads.
/// The set is fixed by `seed`, each epoch's order by `seed` and the epoch; they follow
/// PML's distribution, not NumPy's random stream.
///
/// - Complexity: O(tripletCount) to draw the set (after grouping the labels, O(N)), and
///   O(tripletCount) per epoch.
public struct FixedTripletSampler: BatchSampler {
    /// The triplets of dataset rows, in the order they were drawn.
    public let triplets: [(anchor: Int, positive: Int, negative: Int)]
    /// Rows per batch, a multiple of 3.
    public let batchSize: Int
    /// The seed that fixes the set and, with the epoch, each epoch's order.
    public let seed: UInt64

    /// Draws `tripletCount` triplets from the dataset rows' `labels`.
    /// - Throws: `MetricLearningError` for `tripletCount` < 1, a `batchSize` that is not a
    ///   positive multiple of 3, or labels of fewer than two classes.
    public init(labels: [Int], tripletCount: Int, batchSize: Int, seed: UInt64 = 0) throws {
        try BatchValidation.require(tripletCount >= 1, "tripletCount", tripletCount, "must be at least 1")
        try BatchValidation.require(batchSize >= 3 && batchSize % 3 == 0, "batchSize", batchSize, "must be a positive multiple of 3")
        let classes = ClassRows(labels)
        guard classes.labels.count >= 2 else {
            throw MetricLearningError(.invalidLabels, "a triplet needs two classes, but the labels hold \(classes.labels.count)")
        }
        var generator = SeededRandomGenerator(seed: seed)
        let classIndices = Array(classes.rows.indices)
        triplets = (0..<tripletCount).map { _ in
            let labels = generator.choose(2, of: classIndices)
            let anchorAndPositive = generator.choose(2, of: classes.rows[labels[0]])
            let negatives = classes.rows[labels[1]]
            return (anchorAndPositive[0], anchorAndPositive[1], negatives[generator.nextIndex(below: negatives.count)])
        }
        (self.batchSize, self.seed) = (batchSize, seed)
    }

    /// ⌈3 · tripletCount / batchSize⌉.
    public var batchesPerEpoch: Int { (3 * triplets.count + batchSize - 1) / batchSize }

    /// The batches of one epoch, drawn from `generator`.
    public func batches(using generator: inout SeededRandomGenerator) -> [[Int]] {
        let rows = triplets.shuffled(using: &generator).flatMap { [$0.anchor, $0.positive, $0.negative] }
        return stride(from: 0, to: rows.count, by: batchSize).map { Array(rows[$0..<Swift.min($0 + batchSize, rows.count)]) }
    }
}
