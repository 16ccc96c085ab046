import TensorCore

/// The cosine similarity x·y / (‖x‖‖y‖): dot products of L2-normalised rows, in [−1, 1].
///
/// PML's `CosineSimilarity`; larger means closer. Zero rows have similarity 0 to everything.
/// It computes what `DotProductSimilarity()` computes (see `DotProductDistance`).
public struct CosineSimilarity<Scalar: TensorScalar>: DotProductDistance, Codable {
    /// True: the rows are always normalised.
    public var normalizesEmbeddings: Bool { true }

    /// Creates the similarity.
    public init() {}
}
