import TensorCore

/// A seeded source of training batches: for each epoch, the dataset rows of every batch.
///
/// A sampler decides which rows meet in a batch (m items of each class, two super-classes,
/// packed triplets, …), as PyTorch samplers feed a `DataLoader`. `batches(epoch:)` depends
/// on the sampler's `seed` and the epoch alone, so a run repeats exactly while each epoch
/// draws afresh. It takes the place of a shuffled split into batches in a training loop:
///
/// ```swift
/// for epoch in 0..<epochs {
///     for rows in sampler.batches(epoch: epoch) {
///         let batch = try data.subset(rows)
///         // the loss of `batch`, its gradient, an optimiser step
///     }
/// }
/// ```
public protocol BatchSampler: Sendable {
    /// The seed that, with the epoch, fixes every draw.
    var seed: UInt64 { get }
    /// The number of batches in one epoch (PyTorch's `len` of the sampler, in batches).
    var batchesPerEpoch: Int { get }
    /// The batches of one epoch, drawn from `generator` (which advances): each the dataset
    /// rows of one batch, in the order the batch holds them.
    func batches(using generator: inout SeededRandomGenerator) -> [[Int]]
}

extension BatchSampler {
    /// The batches of epoch `epoch`: the same for the same seed and epoch.
    public func batches(epoch: Int) -> [[Int]] {
        var generator = SeededRandomGenerator(seed: seed ^ ((UInt64(truncatingIfNeeded: epoch) &+ 1) &* 0x9E37_79B9_7F4A_7C15))
        return batches(using: &generator)
    }
}
