import TensorCore

/// A similarity that is the dot product of rows, normalised first where the conformer says
/// so: the one implementation of `CosineSimilarity` and `DotProductSimilarity`.
///
/// A conformer gives `normalizesEmbeddings`; the matrix (one product), the sparse values
/// and the `.dotProduct` kernel come from this protocol.
public protocol DotProductDistance<Scalar>: Distance {}

extension DotProductDistance {
    /// True: a larger dot product is closer.
    public var isSimilarity: Bool { true }
    /// The dot product (of normalised rows when `normalizesEmbeddings`).
    public var kernel: DistanceKernel? { .dotProduct }

    /// The dot products of the rows of `x` with the rows of `y`, one matrix product.
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        pairwiseDotProducts(x, y)
    }

    /// The dot products of the given pairs: sparse when few, else gathered from the matrix.
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        pairValues(x, against: y, rows: rows, columns: columns) { pairDotProducts($0, $1, rows: rows, columns: columns) }
    }
}
