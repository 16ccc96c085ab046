import TensorCore

/// A batch of anchors and the references they are compared with (PML's `ref_emb`); by
/// default the batch itself. The one input type of losses and miners.
///
/// Mined tuples index anchors in the batch and positives and negatives in the references.
/// Losses take gradients for both the embeddings and the references; miners read values
/// only. When the references contain the batch (a cross-batch memory, gathered embeddings),
/// `selfOffset` says where: anchor i is never paired with row `selfOffset + i`.
public struct BatchInputs<Scalar: TensorScalar>: Sendable {
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
    /// The matrix a miner computed from these embeddings and references, which `matrix(_:)`
    /// and `values(_:rows:columns:)` read instead of computing it again when the distance
    /// computes the same one (`MetricLoss.minedThenReduced(_:by:)` sets it); nil by default.
    public var minedMatrix: MinedMatrix<Scalar>?

    /// A batch against itself.
    public init(embeddings: Variable<Scalar>, labels: [Int]) {
        self.init(embeddings: embeddings, labels: labels, references: embeddings, referenceLabels: labels, selfOffset: 0)
    }

    /// A batch against separate references (or, with `selfOffset`, references that contain it).
    public init(embeddings: Variable<Scalar>, labels: [Int], references: Variable<Scalar>, referenceLabels: [Int], selfOffset: Int? = nil) {
        (self.embeddings, self.labels, self.references) = (embeddings, labels, references)
        (self.referenceLabels, self.selfOffset) = (referenceLabels, selfOffset)
    }

    /// A batch of plain tensors against itself (for miners, or a loss value without a gradient).
    public init(embeddings: Tensor<Scalar>, labels: [Int]) {
        self.init(embeddings: Variable(embeddings), labels: labels)
    }

    /// A batch of plain tensors against separate references.
    public init(embeddings: Tensor<Scalar>, labels: [Int], references: Tensor<Scalar>, referenceLabels: [Int], selfOffset: Int? = nil) {
        let e = Variable(embeddings)
        let sameStorage = e.isSameVariable(as: Variable(references)) && labels == referenceLabels && (selfOffset ?? 0) == 0
        self.init(embeddings: e, labels: labels, references: sameStorage ? e : Variable(references),
                  referenceLabels: referenceLabels, selfOffset: selfOffset)
    }

    /// True when the references are the embeddings themselves, under the same labels.
    public var referencesAreEmbeddings: Bool { selfOffset == 0 && labels == referenceLabels && embeddings.isSameVariable(as: references) }

    /// Which reference columns are positives and negatives of each anchor.
    public var pairing: ReferencePairing {
        ReferencePairing(labels: labels, referenceLabels: referenceLabels, selfOffset: selfOffset)
    }

    /// Validates both sets and the tuples; returns N, M and the width.
    ///
    /// - Throws: `MetricLearningError` for a bad batch or reference set (see
    ///   `BatchValidation.check`), widths that differ, a `selfOffset` that does not place the
    ///   batch inside the references, or tuples that index outside them.
    @discardableResult
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func validate(_ tuples: MinedTuples? = nil) throws -> (count: Int, referenceCount: Int, width: Int) {
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

    /// The differentiable matrix of embeddings against references under `distance`: from
    /// `minedMatrix` when it holds this matrix, else computed.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func matrix(_ distance: any Distance<Scalar>) -> Variable<Scalar> {
        minedMatrix?.matrix(distance, embeddings, references) ?? distance.matrix(embeddings, references)
    }

    /// The validated matrix of the values (no gradient), for miners.
    /// - Throws: what `validate()` throws.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func valueMatrix(_ distance: any Distance<Scalar>) throws -> Tensor<Scalar> {
        try validate()
        return try distance.matrix(embeddings.withoutDerivative, references.withoutDerivative).checked().value
    }

    /// What a miner selects from: the validated values of `distance` (row-major `[N, M]`,
    /// no gradient), the anchors' labels, the references' labels and M.
    /// - Throws: what `validate()` throws.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func miningMatrix(_ distance: any Distance<Scalar>) throws -> (values: [Scalar], labels: [Int], referenceLabels: [Int], columns: Int) {
        (try valueMatrix(distance).storage, labels, referenceLabels, referenceLabels.count)
    }

    /// What a library miner hands on: `tuples`, mined from `values` (`valueMatrix` or
    /// `miningMatrix` of `distance`), the matrix kept for the loss when `distance` has a kernel.
    /// With `lowerTriangleLeftOut`, `values` (a batch against itself) still lacks its lower
    /// triangle (`DistanceMatrixVisit`); the matrix handed on fills it if it is ever read.
    func mined(_ tuples: MinedTuples, from values: consuming [Scalar], of distance: any Distance<Scalar>,
               lowerTriangleLeftOut: Bool = false) -> MiningResult<Scalar> {
        MiningResult(tuples: tuples, matrix: MinedMatrix(Tensor(uncheckedShape: [labels.count, referenceLabels.count], scalars: values),
                                                         of: distance, inputs: self, lowerTriangleLeftOut: lowerTriangleLeftOut))
    }

    /// Values (anchor rows[t], reference columns[t]) under `distance`: gathered from
    /// `minedMatrix` when it holds the matrix `distance` would gather them from, else
    /// computed (few pairs are always computed one by one, as without the matrix).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ distance: any Distance<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        minedMatrix?.values(distance, embeddings, references, rows: rows, columns: columns)
            ?? distance.values(embeddings, against: references, rows: rows, columns: columns)
    }

    /// The values of `pairs` (anchor, reference) under `distance`, in list order: the vector
    /// PML's pair-based losses index (`mat[a1, p]`, then `mat[a2, n]` when given positives
    /// followed by negatives).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ distance: any Distance<Scalar>, of pairs: [IndexPair]) -> Variable<Scalar> {
        let columns = PairColumns(pairs)
        return values(distance, rows: columns.anchors, columns: columns.others)
    }

    /// 0 wired to both the embeddings and the references: a loss without any term, which
    /// still gives each a (zero) gradient.
    var zeroLoss: Variable<Scalar> { (embeddings * 0).sum() + (references * 0).sum() }

    /// The loss of no terms under `reducer` (0, or its error for bad bounds), wired to both
    /// the embeddings and the references.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func noTerms(_ reducer: any Reducer<Scalar>) -> Variable<Scalar> {
        reducer.reduce(Variable(Tensor<Scalar>([]))) + zeroLoss
    }
}
