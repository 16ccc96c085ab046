import MetricLearning

/// Predictions of the demo's classifiers.
enum Classification {
    /// The arg-max class of each row of `[N, C]` scores.
    static func argmax(_ scores: Tensor<Float>) -> [Int] {
        let c = scores.shape[1]
        return (0..<scores.shape[0]).map { i in
            (0..<c).max { scores.scalars[i * c + $0] < scores.scalars[i * c + $1] }!
        }
    }

    /// Fraction of `predicted` equal to `labels`.
    static func accuracy(_ predicted: [Int], _ labels: [Int]) -> Double {
        Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }

    /// kNN (majority vote, a tie is a miss) accuracy of queries against labelled references.
    static func knnAccuracy(queries: Tensor<Float>, labels: [Int], references: Tensor<Float>, referenceLabels: [Int], k: Int) throws -> Double {
        let neighbours = try NearestNeighbors.search(queries: queries, references: references, k: k, excludingSelf: false)
        var hits = 0
        for (q, found) in neighbours.enumerated() {
            var votes: [Int: Int] = [:]
            for j in found { votes[referenceLabels[j], default: 0] += 1 }
            let top = votes.values.max() ?? 0
            if votes.filter({ $0.value == top }).map(\.key) == [labels[q]] { hits += 1 }
        }
        return Double(hits) / Double(max(labels.count, 1))
    }
}
