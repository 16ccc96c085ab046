import TensorCore

/// What `SubCenterArcFaceLoss.outliers(embeddings:labels:weights:thresholdDegrees:)` finds:
/// the samples far from their class's dominant sub-centre, and the dominant sub-centres.
public struct SubCenterOutliers<Scalar: TensorScalar>: Sendable, Equatable {
    /// The outliers' sample indices, class by class, in increasing order within a class.
    public let indices: [Int]
    /// For each class, the offset in `0..<subCenters` of its dominant sub-centre; nil for a
    /// class without samples in the batch.
    public let dominantSubCenters: [Int?]
    /// Each class's dominant sub-centre, as stored in the weights (not normalised): the
    /// columns of `[embeddingSize, classCount]`, zero for a class without samples (PML leaves
    /// those columns uninitialised).
    public let dominantCenters: Tensor<Scalar>

    /// Creates the result.
    public init(indices: [Int], dominantSubCenters: [Int?], dominantCenters: Tensor<Scalar>) {
        (self.indices, self.dominantSubCenters, self.dominantCenters) = (indices, dominantSubCenters, dominantCenters)
    }
}
