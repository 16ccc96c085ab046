/// The kinds of enrolled objects the fuzzer calls, one summary line each.
enum FuzzKind: String, CaseIterable {
    /// `MetricLoss` entries: batch against itself or against references, with or without tuples.
    case metricLoss = "metric-loss"
    /// `ClassifierLoss` entries, with class weights of any shape.
    case classifierLoss = "classifier-loss"
    /// `Miner` entries; their tuples are checked against the labels.
    case miner
    /// `Distance` entries: full matrices and sparse values.
    case distance
    /// `Reducer` entries, over vectors of terms.
    case reducer
    /// Every metric loss with every miner, `loss(inputs, minedBy: miner)`, and the same
    /// loss over the tuples the miner lists (the two must agree).
    case fused
    /// `CrossBatchMemory` over a few successive batches.
    case memory
}
