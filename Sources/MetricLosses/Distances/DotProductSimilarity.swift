import TensorCore

/// The dot product x·y as a similarity (larger means closer).
///
/// PML's `DotProductSimilarity`, which by default normalises rows first (then it equals
/// the cosine similarity); pass `normalizesEmbeddings: false` for raw dot products.
public struct DotProductSimilarity<Scalar: TensorScalar>: Distance {
    public let normalizesEmbeddings: Bool
    public var isSimilarity: Bool { true }
    /// The dot product.
    public var kernel: DistanceKernel? { .dotProduct }

    /// Creates the similarity; normalising by default, as PML.
    public init(normalizesEmbeddings: Bool = true) {
        self.normalizesEmbeddings = normalizesEmbeddings
    }

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
