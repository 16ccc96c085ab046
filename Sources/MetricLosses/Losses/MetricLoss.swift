import TensorCore

/// A loss over a batch of embeddings and their labels, optionally restricted to mined tuples.
///
/// `tuples: nil` means every pair or triplet of the batch, as in PML. Conform by
/// implementing **one** of the two forms:
/// - `callAsFunction(_ inputs:tuples:)`, the general form: anchors against references (PML's
///   `ref_emb`; by default the batch itself). Every loss of the library implements this one,
///   so it also runs under `CrossBatchMemory` and against gathered embeddings.
/// - `callAsFunction(_ embeddings:labels:tuples:)`, the batch-only form: the quickest way
///   to write a loss; its general form then handles a batch against itself and throws for
///   separate references.
/// Each form's default calls the other, so a conformer must implement at least one (one
/// with neither would recurse). Everything else — the fused mine-and-reduce path,
/// gradients, values — comes from extensions, written with differentiable operations of
/// `Variable` (or your own, with `Variable.record`).
public protocol MetricLoss<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The loss (a rank-0 variable) of `embeddings` (`[N, D]`) with `labels` (N of them).
    func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar>
    /// The loss of the batch's anchors against references: tuples index anchors in the
    /// batch and positives and negatives in the references.
    func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar>
    /// The loss over the tuples `miner` would mine from `inputs`. A capability: the default
    /// mines, then reduces; a loss with a fused path for the miner's `rule` selects and
    /// reduces straight from its distance matrix instead, with the same value and gradient.
    func callAsFunction(_ inputs: BatchInputs<Scalar>, minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar>
}

extension MetricLoss {
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar> {
        try self(BatchInputs(embeddings: embeddings, labels: labels), tuples: tuples)
    }

    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        guard inputs.referencesAreEmbeddings else {
            throw MetricLearningError(.invalidParameter, "\(Self.self) does not support reference embeddings")
        }
        return try self(inputs.embeddings, labels: inputs.labels, tuples: tuples)
    }

    public func callAsFunction(_ inputs: BatchInputs<Scalar>, minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        try minedThenReduced(inputs, by: miner)
    }

    /// The loss over the tuples `miner` mines from `inputs`, which reads the matrix the miner
    /// hands on (`Miner.mineSharingMatrix(_:)`, `BatchInputs.minedMatrix`) instead of
    /// computing it again: `self(inputs, tuples: miner.mine(inputs))` up to the last bits.
    /// The default mine-and-reduce path, and the fallback of a fused one.
    public func minedThenReduced(_ inputs: BatchInputs<Scalar>, by miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        // The miner and the loss each validate the inputs, and may each normalise them: the
        // second time is looked up (`StepMemo`).
        try StepMemo.remembering {
            let mined = try miner.mineSharingMatrix(inputs)
            var shared = inputs
            shared.minedMatrix = mined.matrix
            let loss = try self(shared, tuples: mined.tuples)
            // The next step's miner takes the matrix back once this step's tape lets go of it.
            shared.minedMatrix = nil
            _ = mined.releasingMatrix()
            return loss
        }
    }

    /// The loss over all pairs or triplets of the batch.
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try self(embeddings, labels: labels, tuples: nil)
    }

    /// The loss of `embeddings` against `references` (anchors from the batch, positives and
    /// negatives from the references).
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, labels: [Int], references: Variable<Scalar>, referenceLabels: [Int], tuples: MinedTuples? = nil
    ) throws -> Variable<Scalar> {
        try self(BatchInputs(embeddings: embeddings, labels: labels, references: references, referenceLabels: referenceLabels), tuples: tuples)
    }

    /// The loss over the tuples `miner` would mine from the batch (see `callAsFunction(_:minedBy:)`).
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        try self(BatchInputs(embeddings: embeddings, labels: labels), minedBy: miner)
    }

    /// The loss value and its gradient with respect to the embeddings.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try TensorCore.valueWithGradient(at: embeddings) { try self($0, labels: labels, tuples: tuples) }
    }

    /// The value and gradient of the loss over the tuples `miner` would mine.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], minedBy miner: any Miner<Scalar>
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try TensorCore.valueWithGradient(at: embeddings) { try self($0, labels: labels, minedBy: miner) }
    }

    /// The loss against references and its gradients for both the embeddings and the references.
    public func valueWithGradients(
        embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int], tuples: MinedTuples? = nil
    ) throws -> LossGradients<Scalar> {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, references]) {
            try self($0[0], labels: labels, references: $0[1], referenceLabels: referenceLabels, tuples: tuples)
        }
        return LossGradients(value: value, embeddingsGradient: gradients[0], referencesGradient: gradients[1])
    }

    /// The loss value alone, without recording a tape.
    public func value(embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil) throws -> Scalar {
        try self(Variable(embeddings), labels: labels, tuples: tuples).checked().value.scalars[0]
    }
}
