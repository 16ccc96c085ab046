import TensorCore

/// Retrieval and clustering accuracy of an embedding, with PML `AccuracyCalculator` meanings.
public struct RetrievalReport: Sendable, Equatable {
    /// Fraction of queries whose nearest reference shares their label.
    public var precisionAt1: Double
    /// Mean over queries of (same-label references among the first R) / R, R = the query's
    /// number of same-label references.
    public var rPrecision: Double
    /// Mean over queries of (1/R) Σ_{i ≤ R} P(i)·rel(i) (Musgrave et al. 2020).
    public var meanAveragePrecisionAtR: Double
    /// Mean over queries of the average precision over the k nearest, k the largest R,
    /// divided by R.
    public var meanAveragePrecision: Double
    /// Mean over queries of 1 / (rank of the first same-label reference), 0 if none in the k nearest.
    public var meanReciprocalRank: Double
    /// For each K asked for: the fraction of queries with a same-label reference among the K nearest.
    public var recallAtK: [Int: Double]
    /// For each k asked for: kNN classification accuracy by majority vote (a tie is a miss).
    public var knnAccuracy: [Int: Double]
    /// Normalised mutual information of k-means++ clusters (k = class count) with the labels.
    public var normalizedMutualInformation: Double
    /// Adjusted mutual information of the same clusters.
    public var adjustedMutualInformation: Double
}
