import Foundation
import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Retrieval metrics against pytorch-metric-learning's AccuracyCalculator, NMI and AMI
/// against scikit-learn (`Fixtures/retrieval.json`, made by `Scripts/make_retrieval_fixture.py`).
@Suite("Retrieval metrics")
struct EvaluationTests {
    struct Case {
        let name: String
        let queries: Tensor<Double>, queryLabels: [Int]
        let references: Tensor<Double>?, referenceLabels: [Int]?
        let expected: [String: Double]
        let knn: [Int: Double]
        let clusters: [Int]
    }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "retrieval", withExtension: "json", subdirectory: "Fixtures"))
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            Case(name: c["name"] as! String,
                 queries: ReferenceFixture.matrix(c["queries"])!, queryLabels: (c["query_labels"] as! [NSNumber]).map(\.intValue),
                 references: ReferenceFixture.matrix(c["references"]), referenceLabels: (c["reference_labels"] as? [NSNumber])?.map(\.intValue),
                 expected: c.compactMapValues { ($0 as? NSNumber)?.doubleValue },
                 knn: Dictionary(uniqueKeysWithValues: (c["knn_accuracy"] as! [String: NSNumber]).map { (Int($0.key)!, $0.value.doubleValue) }),
                 clusters: (c["clusters"] as! [NSNumber]).map(\.intValue))
        }
    }

    @Test func matchesAccuracyCalculatorAndScikitLearn() throws {
        for c in try Self.cases() {
            let r = try RetrievalMetrics().report(queries: c.queries, queryLabels: c.queryLabels,
                                                  references: c.references, referenceLabels: c.referenceLabels)
            expectClose([r.precisionAt1], [c.expected["precision_at_1"]!], atol: 1e-9, rtol: 1e-6, "\(c.name) P@1")
            expectClose([r.rPrecision], [c.expected["r_precision"]!], atol: 1e-9, rtol: 1e-6, "\(c.name) R-precision")
            expectClose([r.meanAveragePrecisionAtR], [c.expected["mean_average_precision_at_r"]!], atol: 1e-9, rtol: 1e-6, "\(c.name) MAP@R")
            expectClose([r.meanReciprocalRank], [c.expected["mean_reciprocal_rank"]!], atol: 1e-6, rtol: 1e-6, "\(c.name) MRR")
            expectClose([r.meanAveragePrecision], [c.expected["mean_average_precision"]!], atol: 1e-6, rtol: 1e-6, "\(c.name) MAP")
            for (k, accuracy) in c.knn { expectClose([r.knnAccuracy[k]!], [accuracy], atol: 1e-12, "\(c.name) kNN k=\(k)") }
            expectClose([try ClusteringScores.normalizedMutualInformation(c.queryLabels, c.clusters)], [c.expected["nmi"]!], atol: 1e-10, "\(c.name) NMI")
            expectClose([try ClusteringScores.adjustedMutualInformation(c.queryLabels, c.clusters)], [c.expected["ami"]!], atol: 1e-10, "\(c.name) AMI")
        }
    }

    @Test func nearestNeighboursAreExactAndNeverSelf() throws {
        let x: Tensor<Double> = randomMatrix(300, 5, seed: 4)
        let found = try NearestNeighbors.search(queries: x, references: x, k: 4, excludingSelf: true)
        let d = try pairwiseSquaredDistances(x, x)
        for q in [0, 17, 299] {
            let brute = (0..<300).filter { $0 != q }.sorted { (d[q, $0], $0) < (d[q, $1], $1) }.prefix(4)
            #expect(found[q] == Array(brute))
        }
        #expect(found.allSatisfy { $0.count == 4 })
    }

    @Test func kMeansRecoversSeparatedClustersAndPerfectScores() throws {
        var rows: [[Double]] = []
        var labels: [Int] = []
        for c in 0..<3 { for i in 0..<20 { rows.append([Double(c) * 10 + Double(i % 5) * 0.01, Double(i) * 0.01]); labels.append(c) } }
        let (assignments, _) = try KMeans(clusterCount: 3, seed: 1).fit(try Tensor<Double>(rows: rows))
        #expect(try ClusteringScores.normalizedMutualInformation(labels, assignments) == 1)
        expectClose([try ClusteringScores.adjustedMutualInformation(labels, assignments)], [1], atol: 1e-12)
        let report = try RetrievalMetrics().report(queries: try Tensor<Double>(rows: rows), queryLabels: labels)
        #expect(report.precisionAt1 == 1 && report.meanAveragePrecisionAtR == 1 && report.knnAccuracy[5] == 1)
        #expect(throws: MetricLearningError.self) { try KMeans(clusterCount: 0).fit(try Tensor<Double>(rows: rows)) }
    }

    @Test func degenerateQuerySetsGiveFiniteReports() throws {
        let x: Tensor<Double> = randomMatrix(6, 3, seed: 8)
        for labels in [[0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5]] {
            let r = try RetrievalMetrics().report(queries: x, queryLabels: labels)
            let values = [r.precisionAt1, r.rPrecision, r.meanAveragePrecisionAtR, r.meanAveragePrecision, r.meanReciprocalRank,
                          r.normalizedMutualInformation, r.adjustedMutualInformation] + Array(r.knnAccuracy.values)
            let finite = values.allSatisfy { $0.isFinite }
            #expect(finite, "\(labels): \(r)")
        }
        let one = try RetrievalMetrics().report(queries: try x.gatheringRows([0]), queryLabels: [3])
        #expect(one.precisionAt1 == 0 && one.knnAccuracy[1] == 0)
        #expect(throws: MetricLearningError.self) { _ = try RetrievalMetrics().report(queries: x, queryLabels: [0, 1]) }
    }

    /// Float embeddings at 1e30 (whose squares overflow) and 1e-30 (whose squares vanish)
    /// rank exactly as at magnitude 1.
    @Test func rankingIgnoresTheMagnitudeOfFloatEmbeddings() throws {
        let x: Tensor<Float> = randomMatrix(40, 6, seed: 9)
        let labels = (0..<40).map { $0 % 4 }
        let neighbours = try NearestNeighbors.search(queries: x, references: x, k: 5, excludingSelf: true)
        let report = try RetrievalMetrics().report(queries: x, queryLabels: labels)
        for scale: Float in [1e30, 1e-30] {
            let scaled = x.map { $0 * scale }
            #expect(try NearestNeighbors.search(queries: scaled, references: scaled, k: 5, excludingSelf: true) == neighbours, "scale \(scale)")
            let r = try RetrievalMetrics().report(queries: scaled, queryLabels: labels)
            #expect(r.meanAveragePrecisionAtR == report.meanAveragePrecisionAtR && r.knnAccuracy == report.knnAccuracy, "scale \(scale)")
        }
    }

    @Test func badParametersAndInputsThrow() throws {
        let x: Tensor<Double> = randomMatrix(8, 3, seed: 10)
        let labels = [0, 0, 1, 1, 2, 2, 3, 3]
        func expectError(_ kind: MetricLearningError.Kind, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                try body()
                Issue.record("expected \(kind)", sourceLocation: sourceLocation)
            } catch let error as MetricLearningError {
                #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            }
        }
        expectError(.invalidParameter) { _ = try RetrievalMetrics(recallKs: [1, 0]).report(queries: x, queryLabels: labels) }
        expectError(.invalidParameter) { _ = try RetrievalMetrics(knnKs: [-1]).report(queries: x, queryLabels: labels) }
        expectError(.invalidParameter) { _ = try KMeans(clusterCount: 2, maximumIterations: 0).fit(x) }
        var nan = x.scalars
        nan[4] = .nan
        let withNaN = try Tensor<Double>(shape: [8, 3], scalars: nan)
        expectError(.nonFiniteInput) { _ = try KMeans(clusterCount: 2).fit(withNaN) }
        expectError(.nonFiniteInput) { _ = try NearestNeighbors.search(queries: x, references: withNaN, k: 2, excludingSelf: false) }
        expectError(.shapeMismatch) { _ = try ClusteringScores.normalizedMutualInformation([0, 1, 1], [0, 1]) }
        expectError(.shapeMismatch) { _ = try ClusteringScores.adjustedMutualInformation([0], [0, 1]) }
        // A K listed twice is measured once: recall stays a fraction.
        let twice = try RetrievalMetrics(recallKs: [2, 2], knnKs: [3, 3]).report(queries: x, queryLabels: labels)
        let once = try RetrievalMetrics(recallKs: [2], knnKs: [3]).report(queries: x, queryLabels: labels)
        #expect(twice.recallAtK == once.recallAtK && twice.knnAccuracy == once.knnAccuracy)
    }
}
