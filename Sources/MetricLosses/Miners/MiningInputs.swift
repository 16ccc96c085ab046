import TensorCore

/// A batch and the references a miner pairs it with (the batch itself by default), as tensors.
///
/// Mined tuples index anchors in the batch and positives and negatives in the references.
public struct MiningInputs<Scalar: TensorScalar>: Sendable {
    /// The anchors, `[N, D]`.
    public var embeddings: Tensor<Scalar>
    /// The anchors' labels.
    public var labels: [Int]
    /// The references, `[M, D]`.
    public var references: Tensor<Scalar>
    /// The references' labels.
    public var referenceLabels: [Int]
    /// The reference row of anchor 0's own copy, if the references contain the batch.
    public var selfOffset: Int?

    /// A batch against itself.
    public init(embeddings: Tensor<Scalar>, labels: [Int]) {
        self.init(embeddings: embeddings, labels: labels, references: embeddings, referenceLabels: labels, selfOffset: 0)
    }

    /// A batch against separate references (or, with `selfOffset`, references that contain it).
    public init(embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int], selfOffset: Int? = nil) {
        self.embeddings = embeddings
        self.labels = labels
        self.references = references
        self.referenceLabels = referenceLabels
        self.selfOffset = selfOffset
    }

    /// The same inputs as values of a loss's inputs.
    public init(_ inputs: LossInputs<Scalar>) {
        self.init(embeddings: inputs.embeddings.value, labels: inputs.labels, references: inputs.references.value,
                  referenceLabels: inputs.referenceLabels, selfOffset: inputs.selfOffset)
    }

    @usableFromInline var pairing: ReferencePairing {
        ReferencePairing(labels: labels, referenceLabels: referenceLabels, selfOffset: selfOffset)
    }

    /// Validates the inputs and returns the matrix of embeddings against references.
    @usableFromInline func matrix(_ distance: any Distance<Scalar>) throws -> Tensor<Scalar> {
        try LossInputs(embeddings: Variable(embeddings), labels: labels, references: Variable(references),
                       referenceLabels: referenceLabels, selfOffset: selfOffset).validate(nil)
        return try distance.matrix(embeddings, references)
    }
}
