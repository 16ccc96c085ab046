import MetricLearning

/// A metric loss of the batch reordered so that its first rows are one item of each class,
/// in increasing label order, the rest after them in their order.
///
/// PML's `InstanceLoss` takes column tᵢ of the similarity matrix as row i's target, tᵢ the
/// rank of i's label among the batch's labels: a class's target is a particular item only
/// when row k of the batch holds an item of the k-th class, which this layout ensures.
struct ClassesFirstLoss: MetricLoss {
    let loss: any MetricLoss<Float>

    func callAsFunction(_ embeddings: Variable<Float>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Float> {
        let first = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        let leading = first.keys.sorted().map { first[$0]! }
        let isLeading = Set(leading)
        let order = leading + labels.indices.filter { !isLeading.contains($0) }
        return try loss(embeddings.gatheringRows(order), labels: order.map { labels[$0] }, tuples: tuples)
    }
}
