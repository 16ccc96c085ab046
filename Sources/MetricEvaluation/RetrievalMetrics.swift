import TensorCore

/// Computes a `RetrievalReport` for query embeddings against reference embeddings.
///
/// Distances are Euclidean; when the queries are the references (`references: nil`) a
/// query never retrieves itself. Queries with no same-label reference are skipped by
/// the precision measures, as in PML.
public struct RetrievalMetrics: Sendable {
    /// The K values of recall@K.
    public var recallKs: [Int]
    /// The k values of kNN accuracy.
    public var knnKs: [Int]
    /// The seed of the k-means++ clustering behind NMI and AMI.
    public var clusteringSeed: UInt64

    /// Creates the calculator (recall@1,2,4,8; kNN k = 1, 3, 5 as the robustness study).
    public init(recallKs: [Int] = [1, 2, 4, 8], knnKs: [Int] = [1, 3, 5], clusteringSeed: UInt64 = 0) {
        (self.recallKs, self.knnKs, self.clusteringSeed) = (recallKs, knnKs, clusteringSeed)
    }

    /// The report for `queries` (`[Q, D]`, `queryLabels`) against `references` (or the
    /// queries themselves when nil).
    /// - Throws: `MetricLearningError` for mismatched shapes or label counts, non-finite
    ///   embeddings, or a K or k below 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func report<Scalar: TensorScalar>(
        queries: Tensor<Scalar>, queryLabels: [Int], references: Tensor<Scalar>? = nil, referenceLabels: [Int]? = nil
    ) throws -> RetrievalReport {
        let sameSet = references == nil
        let refs = references ?? queries
        let refLabels = referenceLabels ?? queryLabels
        _ = try BatchValidation.check(queries, labels: queryLabels)
        _ = try BatchValidation.check(refs, labels: refLabels)
        try BatchValidation.require(recallKs.allSatisfy { $0 >= 1 }, "recallKs", recallKs, "every K must be at least 1")
        try BatchValidation.require(knnKs.allSatisfy { $0 >= 1 }, "knnKs", knnKs, "every k must be at least 1")
        // A K listed twice is measured once.
        let recallKs = Array(Set(recallKs)).sorted(), knnKs = Array(Set(knnKs)).sorted()
        var classSizes: [Int: Int] = [:]
        for label in refLabels { classSizes[label, default: 0] += 1 }
        func relevantCount(_ label: Int) -> Int { (classSizes[label] ?? 0) - (sameSet ? 1 : 0) }
        let maxR = queryLabels.map(relevantCount).max() ?? 0
        let k = Swift.max(maxR, (recallKs + knnKs).max() ?? 1)
        let neighbours = try NearestNeighbors.search(queries: queries, references: refs, k: k, excludingSelf: sameSet)
        var p1 = 0.0, rPrecision = 0.0, mapR = 0.0, map = 0.0, mrr = 0.0, counted = 0
        var recall = Dictionary(uniqueKeysWithValues: recallKs.map { ($0, 0.0) }), knn = [Int: Double]()
        for (q, label) in queryLabels.enumerated() {
            let relevant = neighbours[q].map { refLabels[$0] == label }
            for kk in knnKs {
                var votes: [Int: Int] = [:]
                for j in neighbours[q].prefix(kk) { votes[refLabels[j], default: 0] += 1 }
                let top = votes.values.max() ?? 0
                let winners = votes.filter { $0.value == top }.map(\.key)
                knn[kk, default: 0] += winners == [label] ? 1 : 0
            }
            let r = relevantCount(label)
            guard r > 0 else { continue }
            counted += 1
            p1 += relevant.first == true ? 1 : 0
            var hits = 0, precisionSum = 0.0, precisionSumAtR = 0.0, hitsAtR = 0
            for (i, isRelevant) in relevant.enumerated() where isRelevant && i < maxR {
                hits += 1
                precisionSum += Double(hits) / Double(i + 1)
                if i < r { hitsAtR += 1; precisionSumAtR += Double(hits) / Double(i + 1) }
            }
            rPrecision += Double(hitsAtR) / Double(r)
            mapR += precisionSumAtR / Double(r)
            map += precisionSum / Double(r)
            if let first = relevant.prefix(maxR).firstIndex(of: true) { mrr += 1 / Double(first + 1) }
            for kk in recallKs { recall[kk, default: 0] += relevant.prefix(kk).contains(true) ? 1 : 0 }
        }
        let denominator = Double(Swift.max(counted, 1))
        let clusters = try KMeans(clusterCount: Set(queryLabels).count, seed: clusteringSeed).fit(queries).assignments
        return RetrievalReport(
            precisionAt1: p1 / denominator, rPrecision: rPrecision / denominator,
            meanAveragePrecisionAtR: mapR / denominator, meanAveragePrecision: map / denominator,
            meanReciprocalRank: mrr / denominator,
            recallAtK: recall.mapValues { $0 / denominator },
            knnAccuracy: Dictionary(uniqueKeysWithValues: knnKs.map { ($0, (knn[$0] ?? 0) / Double(queryLabels.count)) }),
            normalizedMutualInformation: try ClusteringScores.normalizedMutualInformation(queryLabels, clusters),
            adjustedMutualInformation: try ClusteringScores.adjustedMutualInformation(queryLabels, clusters))
    }
}
