import TensorCore

/// The cosine similarity x·y / (‖x‖‖y‖): dot products of L2-normalised rows, in [−1, 1].
///
/// PML's `CosineSimilarity`; larger means closer. Zero rows have similarity 0 to everything.
public struct CosineSimilarity<Scalar: TensorScalar>: Distance {
    public var normalizesEmbeddings: Bool { true }
    public var isSimilarity: Bool { true }
    /// The dot product of normalised rows.
    public var kernel: DistanceKernel? { .dotProduct }

    /// Creates the similarity.
    public init() {}

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        pairwiseDotProducts(x, y)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        dotProductValues(x, against: y, rows: rows, columns: columns)
    }
}
