import TensorCore

/// A metric loss against a queue of past embeddings, PML's `CrossBatchMemory` (Wang et al.
/// 2020, "Cross-Batch Memory for Embedding Learning").
///
/// Each call enqueues the batch (as constants) and computes the loss of the batch's anchors
/// against everything in memory, mined by `miner` when one is given (through the loss's
/// fused mine-and-reduce path where it has one); an anchor is never
/// paired with its own copy. The memory holds the newest `memorySize` embeddings. Gradients
/// flow to the batch's anchors only, as in PML.
public struct CrossBatchMemory<Scalar: TensorScalar>: Sendable {
    /// The loss computed against the memory.
    public var loss: any MetricLoss<Scalar>
    /// The miner choosing tuples between the batch and the memory, or nil for all of them.
    public var miner: (any Miner<Scalar>)?
    /// How many past embeddings are kept.
    public let memorySize: Int
    /// The stored embeddings, oldest first (`[count, D]` once anything was enqueued).
    public private(set) var memory: [[Scalar]] = []
    /// The stored labels, oldest first.
    public private(set) var memoryLabels: [Int] = []

    /// Creates an empty memory of `memorySize` embeddings.
    public init(loss: any MetricLoss<Scalar>, miner: (any Miner<Scalar>)? = nil, memorySize: Int) {
        (self.loss, self.miner, self.memorySize) = (loss, miner, memorySize)
    }

    /// The loss of `embeddings` against the memory (after enqueuing them).
    /// - Throws: `MetricLearningError` for a bad batch, a width that differs from the memory's,
    ///   or a batch larger than the memory.
    public mutating func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let (n, d) = try BatchValidation.check(embeddings, labels: labels)
        try BatchValidation.require(memorySize >= n, "memorySize", memorySize, "must hold at least one batch of \(n)")
        if let width = memory.first?.count, width != d {
            throw MetricLearningError(.shapeMismatch, "embeddings have width \(d) but the memory holds width \(width)")
        }
        // References: this batch first (so anchor i's own copy is row i), then the older
        // entries that stay in memory after it is enqueued.
        let kept = Swift.min(memory.count, memorySize - n)
        let older = memory.suffix(kept), olderLabels = memoryLabels.suffix(kept)
        let batchRows = (0..<n).map { Array(embeddings.value.scalars[($0 * d)..<($0 * d + d)]) }
        let references = try Tensor<Scalar>(shape: [n + kept, d], scalars: (batchRows + older).flatMap { $0 })
        let referenceLabels = labels + olderLabels
        memory = Array(older) + batchRows
        memoryLabels = Array(olderLabels) + labels
        let inputs = BatchInputs(embeddings: embeddings, labels: labels, references: Variable(references),
                                referenceLabels: referenceLabels, selfOffset: 0)
        guard let miner else { return try loss(inputs, tuples: nil) }
        return try loss(inputs, minedBy: miner)
    }

    /// The loss of a batch against the memory and its gradient; enqueues the batch.
    public mutating func valueWithGradient(embeddings: Tensor<Scalar>, labels: [Int]) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        var copy = self
        let result = try TensorCore.valueWithGradient(at: embeddings) { try copy($0, labels: labels) }
        self = copy
        return result
    }

    /// Empties the memory.
    public mutating func reset() {
        memory = []
        memoryLabels = []
    }
}
