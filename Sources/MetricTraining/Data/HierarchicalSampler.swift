import TensorCore

/// Batches that each draw from a few super-classes, a fixed number of rows per class, as
/// PML's `HierarchicalSampler` (after Brown et al. 2020, "Smooth-AP", for hierarchical
/// labels such as product categories over products).
///
/// Every combination of `superclassesPerBatch` super-classes (in increasing label order,
/// as `itertools.combinations`) yields `batchesPerSuperTuple` batches. A batch gives each
/// of its super-classes an equal share, batchSize / superclassesPerBatch rows: the
/// super-class's classes are shuffled, and each class in turn adds `samplesPerClass` of its
/// rows (without replacement, or with replacement from a smaller class) when they still
/// fit in the share; a class that would overflow it is skipped. The batch is then
/// shuffled, and so are the epoch's batches. A share that no choice of whole classes fills
/// leaves the batch shorter than `batchSize`, as in PML.
///
/// Labels come as two arrays, `classLabels` and `superclassLabels` (PML's 2-D labels with
/// its `inner_label` and `outer_label` columns). Defaults: 4 batches per tuple,
/// 2 super-classes per batch. The draws are fixed by `seed` and the epoch; they follow
/// PML's distribution, not NumPy's random stream.
///
/// - Complexity: O(batchesPerEpoch · (C + batchSize)) expected per epoch, C the classes of a
///   super-class.
public struct HierarchicalSampler: BatchSampler {
    /// How many rows each chosen class adds to a batch.
    public enum SamplesPerClass: Sendable, Equatable {
        /// This many rows (a divisor of batchSize / superclassesPerBatch).
        case count(Int)
        /// All of the class's rows (PML's `"all"`).
        case all
    }

    /// Rows per batch, a multiple of `superclassesPerBatch`.
    public let batchSize: Int
    /// How many rows each chosen class adds.
    public let samplesPerClass: SamplesPerClass
    /// Batches made for each combination of super-classes.
    public let batchesPerSuperTuple: Int
    /// Super-classes that share a batch.
    public let superclassesPerBatch: Int
    /// The seed that, with the epoch, fixes every draw.
    public let seed: UInt64
    /// For each super-class (increasing label), the rows of each of its classes.
    let groups: [[[Int]]]
    /// Every combination of `superclassesPerBatch` positions in `groups`.
    let combinations: [[Int]]

    /// Creates the sampler over the dataset rows' class and super-class labels.
    /// - Throws: `MetricLearningError` for label arrays that are empty or differ in length,
    ///   fewer super-classes than `superclassesPerBatch` (or fewer than 1), a `batchSize` that
    ///   is not a positive multiple of `superclassesPerBatch`, a count per class that is not a
    ///   positive divisor of batchSize / superclassesPerBatch, `batchesPerSuperTuple` < 1, or
    ///   more batches per epoch than `Int` holds.
    public init(classLabels: [Int], superclassLabels: [Int], batchSize: Int, samplesPerClass: SamplesPerClass,
                batchesPerSuperTuple: Int = 4, superclassesPerBatch: Int = 2, seed: UInt64 = 0) throws {
        guard !classLabels.isEmpty, classLabels.count == superclassLabels.count else {
            throw MetricLearningError(.invalidLabels, "\(classLabels.count) class labels and \(superclassLabels.count) super-class labels: "
                                      + "one of each per row, at least one row")
        }
        let supers = ClassRows(superclassLabels)
        let order = supers.labels.indices.sorted { supers.labels[$0] < supers.labels[$1] }
        try BatchValidation.require(superclassesPerBatch >= 1 && superclassesPerBatch <= order.count, "superclassesPerBatch",
                                    superclassesPerBatch, "must lie in 1...\(order.count), the super-classes present")
        try BatchValidation.require(batchSize >= 1 && batchSize % superclassesPerBatch == 0, "batchSize", batchSize,
                                    "must be a positive multiple of superclassesPerBatch = \(superclassesPerBatch)")
        if case .count(let count) = samplesPerClass {
            let share = batchSize / superclassesPerBatch
            try BatchValidation.require(count >= 1 && share % count == 0, "samplesPerClass", count,
                                        "must divide each super-class's share batchSize / superclassesPerBatch = \(share)")
        }
        try BatchValidation.require(batchesPerSuperTuple >= 1, "batchesPerSuperTuple", batchesPerSuperTuple, "must be at least 1")
        try BatchValidation.require(Self.combinationCount(order.count, superclassesPerBatch, times: batchesPerSuperTuple) != nil,
                                    "batchesPerSuperTuple", batchesPerSuperTuple,
                                    "times the combinations of \(superclassesPerBatch) of \(order.count) super-classes overflows")
        groups = order.map { s in
            let rows = supers.rows[s]
            return ClassRows(rows.map { classLabels[$0] }).rows.map { $0.map { rows[$0] } }
        }
        combinations = Self.combinations(order.count, superclassesPerBatch)
        (self.batchSize, self.samplesPerClass, self.batchesPerSuperTuple) = (batchSize, samplesPerClass, batchesPerSuperTuple)
        (self.superclassesPerBatch, self.seed) = (superclassesPerBatch, seed)
    }

    /// The combinations of super-classes times `batchesPerSuperTuple`.
    public var batchesPerEpoch: Int { combinations.count * batchesPerSuperTuple }

    /// The batches of one epoch, drawn from `generator`.
    public func batches(using generator: inout SeededRandomGenerator) -> [[Int]] {
        let share = batchSize / superclassesPerBatch
        var out: [[Int]] = []
        out.reserveCapacity(batchesPerEpoch)
        for combination in combinations {
            for _ in 0..<batchesPerSuperTuple {
                var batch: [Int] = []
                for s in combination {
                    var part: [Int] = []
                    for c in groups[s].indices.shuffled(using: &generator) {
                        if part.count >= share { break }
                        let rows = groups[s][c]
                        let size = if case .count(let count) = samplesPerClass { count } else { rows.count }
                        if part.count + size > share { continue }
                        part += generator.choose(size, of: rows)
                    }
                    batch += part
                }
                batch.shuffle(using: &generator)
                out.append(batch)
            }
        }
        out.shuffle(using: &generator)
        return out
    }

    /// C(n, k) · times, or nil when it overflows `Int`.
    static func combinationCount(_ n: Int, _ k: Int, times: Int) -> Int? {
        var count = 1
        for i in 0..<k {
            // C(n, i + 1) = C(n, i) · (n − i) / (i + 1), exact at every step.
            let (product, overflow) = count.multipliedReportingOverflow(by: n - i)
            if overflow { return nil }
            count = product / (i + 1)
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: times)
        return overflow ? nil : total
    }

    /// Every k-element subset of 0..<n, each increasing, in lexicographic order.
    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        var out: [[Int]] = [], current = Array(0..<k)
        while true {
            out.append(current)
            guard let i = (0..<k).last(where: { current[$0] < n - k + $0 }) else { return out }
            current[i] += 1
            for j in (i + 1)..<k { current[j] = current[j - 1] + 1 }
        }
    }
}
