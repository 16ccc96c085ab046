import TensorCore

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
    /// True when rows are normalised before comparing (by `prepare(_:)`: L2, unless the
    /// conformer says otherwise).
    var normalizesEmbeddings: Bool { get }
    /// The rows as this distance compares them. The default L2-normalises them when
    /// `normalizesEmbeddings` is true and leaves them unchanged otherwise; a conformer that
    /// normalises another way (`LpDistance` by its p-norm) implements it.
    func prepare(_ x: Variable<Scalar>) -> Variable<Scalar>
    /// The pairwise matrix of the rows of `x` against the rows of `y`, both already
    /// prepared (`prepare(_:)`: normalised when `normalizesEmbeddings` is true).
    func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar>
    /// The values (rows[t] of `x`, columns[t] of `y`) of the matrix of `x` against `y`, as
    /// a vector (`y` may be `x`).
    ///
    /// The default gathers from the full matrix; the library's distances compute sparse
    /// sets of pairs directly, in O(T·D) instead of O(N·M·D).
    func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar>
    /// The standard matrix this distance computes, if it is one fast paths know (see
    /// `DistanceKernel`); nil by default. Report one only if `pairwise` computes exactly it.
    var kernel: DistanceKernel? { get }
}

extension Distance {
    /// No kernel a fast path knows.
    public var kernel: DistanceKernel? { nil }

    /// True when both compute the same matrix: the same known kernel and normalisation.
    /// A distance without a kernel is never assumed equal to another.
    public func computesSameMatrix(as other: any Distance<Scalar>) -> Bool {
        kernel != nil && kernel == other.kernel && normalizesEmbeddings == other.normalizesEmbeddings
    }
    /// Rows L2-normalised when this distance normalises, unchanged otherwise.
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
        try matrix(Variable(x), Variable(y)).checked().value
    }

    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        matrix(x, y).gatheringElements(rows: rows, columns: columns)
    }

    /// The values (rows[t], columns[t]) of the matrix of `x` against itself.
    public func values(_ x: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        values(x, against: x, rows: rows, columns: columns)
    }

    /// The differentiable matrix of `x` against `y`, normalising once when they are one variable.
    public func matrix(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        x.isSameVariable(as: y) ? self(x) : self(x, y)
    }

    /// Whether T pairs between N and M rows are better computed one by one than as a matrix.
    @inlinable func prefersPairs(count: Int, _ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Bool {
        count * 4 < (x.shape.first ?? 0) * (y.shape.first ?? 0)
    }

    /// The values of the given pairs: `pairs` of the prepared rows when they are few, else
    /// gathered from the matrix. How the library's distances implement `values`.
    func pairValues(
        _ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int],
        _ pairs: (_ preparedX: Variable<Scalar>, _ preparedY: Variable<Scalar>) -> Variable<Scalar>
    ) -> Variable<Scalar> {
        guard prefersPairs(count: rows.count, x, y) else {
            return matrix(x, y).gatheringElements(rows: rows, columns: columns)
        }
        let (px, py) = preparedPairs(x, y)
        return pairs(px, py)
    }

    /// The sparse values of `x` against `y`, prepared (normalised) once when they are one variable.
    func preparedPairs(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> (Variable<Scalar>, Variable<Scalar>) {
        let px = prepare(x)
        return (px, x.isSameVariable(as: y) ? px : prepare(y))
    }

    /// `a` is closer than `b` under this distance.
    @inlinable public func isCloser(_ a: Scalar, than b: Scalar) -> Bool { isSimilarity ? a > b : a < b }
}
