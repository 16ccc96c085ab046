import TensorCore

/// A distance computed in blocks of `batchSize` rows: PML's `BatchedDistance`.
///
/// `forEachBlock(of:against:_:)` is PML's call with an `iter_fn`: it hands each block of
/// rows of the matrix of a query set against references to a function of the caller's, so
/// a matrix too large to hold (a whole dataset against itself, for retrieval) is never
/// formed. As a `Distance` it computes the wrapped distance's matrix block by block and
/// stacks the blocks: the same values, gradient, kernel and normalisation, with the wrapped
/// distance never seeing more than `batchSize` anchors at once. Default batch size 32, as PML.
///
/// - Complexity: that of the wrapped distance; blocks add O(N·D) per block to the backward
///   pass (each block's rows are gathered from the batch).
public struct BatchedDistance<Scalar: TensorScalar>: Distance {
    /// The distance computed in blocks.
    public let distance: any Distance<Scalar>
    /// The rows of the query per block (PML's `batch_size`), at least 1.
    public let batchSize: Int

    /// Wraps `distance`; 32 rows per block by default, as PML.
    public init(_ distance: any Distance<Scalar>, batchSize: Int = 32) {
        (self.distance, self.batchSize) = (distance, batchSize)
    }

    /// The wrapped distance's.
    public var isSimilarity: Bool { distance.isSimilarity }
    /// The wrapped distance's.
    public var normalizesEmbeddings: Bool { distance.normalizesEmbeddings }
    /// The wrapped distance's: the stacked blocks are its matrix.
    public var kernel: DistanceKernel? { distance.kernel }

    /// The wrapped distance's preparation.
    public func prepare(_ x: Variable<Scalar>) -> Variable<Scalar> { distance.prepare(x) }

    /// The wrapped distance's matrix, computed `batchSize` rows of `x` at a time and stacked.
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        if let failure = batchSizeFailure(x) { return failure }
        let n = x.shape.first ?? 0
        guard x.shape.count == 2, n > batchSize else { return distance.pairwise(normalized: x, y) }
        return .concatenatingRows(blocks(n).map { distance.pairwise(normalized: x.gatheringRows(Array($0)), y) })
    }

    /// The wrapped distance's values (pairs are computed one by one, or from its matrix).
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        batchSizeFailure(x) ?? distance.values(x, against: y, rows: rows, columns: columns)
    }

    /// Calls `body` with each block of rows of the matrix of `query` against `references`
    /// (the query itself when nil), in order, with the range of query rows the block covers:
    /// PML's `BatchedDistance(distance, iter_fn)(query, ref)`. Blocks are differentiable
    /// when the inputs are tracked; the whole matrix is never formed.
    ///
    /// - Throws: `MetricLearningError` for a batch size below 1, inputs that are not
    ///   matrices of one width, or a failure of the wrapped distance; and what `body` throws.
    public func forEachBlock(
        of query: Variable<Scalar>, against references: Variable<Scalar>? = nil,
        _ body: (_ block: Variable<Scalar>, _ rows: Range<Int>) throws -> Void
    ) throws {
        try validateBatchSize()
        let references = references ?? query
        let (n, width) = try query.checked().value.matrixExtents("BatchedDistance query")
        let referenceWidth = try references.checked().value.matrixExtents("BatchedDistance references").columns
        guard width == referenceWidth else {
            throw MetricLearningError(.shapeMismatch, "BatchedDistance: the query has width \(width) but the references \(referenceWidth)")
        }
        let (q, r) = preparedPairs(query, references)
        for rows in blocks(n) {
            try body(distance.pairwise(normalized: q.gatheringRows(Array(rows)), r).checked(), rows)
        }
    }

    /// `forEachBlock(of:against:_:)` for plain tensors: each block's values, without a gradient.
    public func forEachBlock(
        of query: Tensor<Scalar>, against references: Tensor<Scalar>? = nil,
        _ body: (_ block: Tensor<Scalar>, _ rows: Range<Int>) throws -> Void
    ) throws {
        try forEachBlock(of: Variable(query), against: references.map { Variable($0) }) { try body($0.value, $1) }
    }

    /// The row ranges of the blocks of `count` rows.
    func blocks(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: batchSize).map { $0..<Swift.min($0 + batchSize, count) }
    }

    func validateBatchSize() throws {
        try BatchValidation.require(batchSize >= 1, "batchSize", batchSize, "must be at least 1")
    }

    /// The error of a batch size below 1, carried by a variable; nil for a valid one.
    func batchSizeFailure(_ x: Variable<Scalar>) -> Variable<Scalar>? {
        do {
            try validateBatchSize()
            return nil
        } catch {
            return Variable.record([x]) { throw error }
        }
    }
}
