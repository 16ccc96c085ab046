import TensorCore

/// The dot product x·y as a similarity (larger means closer).
///
/// PML's `DotProductSimilarity`, which by default normalises rows first (then it equals
/// the cosine similarity); pass `normalizesEmbeddings: false` for raw dot products.
public struct DotProductSimilarity<Scalar: TensorScalar>: DotProductDistance, Codable {
    /// Whether rows are L2-normalised before the product (true by default, as PML).
    public let normalizesEmbeddings: Bool

    /// Creates the similarity; normalising by default, as PML.
    public init(normalizesEmbeddings: Bool = true) {
        self.normalizesEmbeddings = normalizesEmbeddings
    }
}
