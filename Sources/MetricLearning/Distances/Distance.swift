/// A differentiable pairwise comparison of two sets of embeddings.
///
/// Conformers compute the `[x.rows, y.rows]` matrix, normalising first where they
/// say so. `isSimilarity` tells losses and miners which way is "closer": larger
/// values for a similarity, smaller for a distance. Add your own by conforming.
public protocol Distance<Scalar>: Sendable {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// True when a larger value means closer (cosine, dot product).
    var isSimilarity: Bool { get }
    /// True when rows are L2-normalised before comparing.
    var normalizesEmbeddings: Bool { get }
    /// The pairwise matrix of the rows of `x` against the rows of `y`, both already
    /// normalised when `normalizesEmbeddings` is true.
    func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar>
    /// The values (rows[t], columns[t]) of the batch's matrix against itself, as a vector.
    ///
    /// The default gathers from the full matrix; the library's distances compute sparse
    /// sets of pairs directly, in O(T·D) instead of O(N²·D).
    func values(_ x: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar>
}

extension Distance {
    /// Rows normalised when this distance normalises, unchanged otherwise.
    public func prepare(_ x: Variable<Scalar>) -> Variable<Scalar> {
        normalizesEmbeddings ? x.normalizedRows() : x
    }

    /// The differentiable matrix between the rows of `x` and `y`.
    public func callAsFunction(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        pairwise(normalized: prepare(x), prepare(y))
    }

    /// The differentiable matrix of a batch against itself (normalised once).
    public func callAsFunction(_ x: Variable<Scalar>) -> Variable<Scalar> {
        let prepared = prepare(x)
        return pairwise(normalized: prepared, prepared)
    }

    /// The matrix between the rows of two tensors, without a gradient.
    /// - Throws: `MetricLearningError.shapeMismatch` when the widths differ.
    public func matrix(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> Tensor<Scalar> {
        try self(Variable(x), Variable(y)).checked().value
    }

    public func values(_ x: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        self(x).gatheringElements(rows: rows, columns: columns)
    }

    /// Whether T pairs of an N-row batch are better computed one by one than as a matrix.
    @inlinable func prefersPairs(count: Int, batchSize n: Int) -> Bool { count * 4 < n * n }

    /// `a` is closer than `b` under this distance.
    @inlinable public func isCloser(_ a: Scalar, than b: Scalar) -> Bool { isSimilarity ? a > b : a < b }
}
