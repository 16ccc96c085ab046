import TensorCore

/// Anchors from a batch against references, PML's `ref_emb`: by default the batch itself.
///
/// Positives and negatives are reference rows; gradients flow to both the embeddings and
/// the references. When the references contain the batch (a cross-batch memory, gathered
/// embeddings), `selfOffset` says where: anchor i is never paired with row selfOffset + i.
public struct LossInputs<Scalar: TensorScalar> {
    /// The anchors, `[N, D]`.
    public var embeddings: Variable<Scalar>
    /// The anchors' labels.
    public var labels: [Int]
    /// The references, `[M, D]`.
    public var references: Variable<Scalar>
    /// The references' labels.
    public var referenceLabels: [Int]
    /// The reference row of anchor 0's own copy, if the references contain the batch.
    public var selfOffset: Int?

    /// A batch against itself.
    public init(embeddings: Variable<Scalar>, labels: [Int]) {
        self.init(embeddings: embeddings, labels: labels, references: embeddings, referenceLabels: labels, selfOffset: 0)
    }

    /// A batch against separate references (or, with `selfOffset`, references that contain it).
    public init(embeddings: Variable<Scalar>, labels: [Int], references: Variable<Scalar>, referenceLabels: [Int], selfOffset: Int? = nil) {
        self.embeddings = embeddings
        self.labels = labels
        self.references = references
        self.referenceLabels = referenceLabels
        self.selfOffset = selfOffset
    }

    /// True when the references are the embeddings themselves.
    public var referencesAreEmbeddings: Bool { selfOffset == 0 && embeddings.isSameVariable(as: references) }

    @usableFromInline var pairing: ReferencePairing {
        ReferencePairing(labels: labels, referenceLabels: referenceLabels, selfOffset: selfOffset)
    }

    /// Validates both sets and the tuples; returns N, M and the width.
    @discardableResult
    @usableFromInline func validate(_ tuples: MinedTuples?) throws -> (count: Int, referenceCount: Int, width: Int) {
        let (n, d) = try BatchValidation.check(embeddings, labels: labels)
        if referencesAreEmbeddings {
            try tuples?.validate(batchSize: n, referenceCount: n)
            return (n, n, d)
        }
        let (m, w) = try BatchValidation.check(references, labels: referenceLabels)
        guard w == d else {
            throw MetricLearningError(.shapeMismatch, "embeddings have width \(d) but references \(w)")
        }
        if let selfOffset, selfOffset < 0 || selfOffset > m - n {
            throw MetricLearningError(.invalidParameter, "selfOffset = \(selfOffset) is out of range: the batch of \(n) must fit in \(m) references")
        }
        try tuples?.validate(batchSize: n, referenceCount: m)
        return (n, m, d)
    }

    /// The matrix of embeddings against references under `distance`.
    @usableFromInline func matrix(_ distance: any Distance<Scalar>) -> Variable<Scalar> {
        distance.matrix(embeddings, references)
    }

    /// Values (anchor rows[t], reference columns[t]) under `distance`.
    @usableFromInline func values(_ distance: any Distance<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        distance.values(embeddings, against: references, rows: rows, columns: columns)
    }
}
