import TensorCore

/// What makes two library distances compute the same matrix, for sharing work.
///
/// User-defined distances have no identity (`nil`): they are never assumed equal.
@usableFromInline struct DistanceIdentity: Equatable {
    @usableFromInline let kind: String?

    @usableFromInline init<Scalar: TensorScalar>(_ distance: any Distance<Scalar>) {
        switch distance {
        case let d as EuclideanDistance<Scalar>: kind = "euclidean/\(d.normalizesEmbeddings)/\(d.squared)"
        case is CosineSimilarity<Scalar>: kind = "cosine"
        case let d as DotProductSimilarity<Scalar>: kind = "dot/\(d.normalizesEmbeddings)"
        default: kind = nil
        }
    }

    @usableFromInline static func == (lhs: DistanceIdentity, rhs: DistanceIdentity) -> Bool {
        lhs.kind != nil && lhs.kind == rhs.kind
    }
}
