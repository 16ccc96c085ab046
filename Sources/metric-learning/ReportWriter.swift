import Foundation
import MetricLearning

/// The table on standard output and `report.json`.
enum ReportWriter {
    static func fields(_ r: RetrievalReport) -> [String: Any] {
        [
            "precision_at_1": r.precisionAt1,
            "r_precision": r.rPrecision,
            "mean_average_precision_at_r": r.meanAveragePrecisionAtR,
            "knn_accuracy": Dictionary(uniqueKeysWithValues: r.knnAccuracy.map { ("\($0.key)", $0.value) }),
        ]
    }

    static func table(raw: RetrievalReport, learned: RetrievalReport, learnedName: String) -> String {
        func row(_ name: String, _ r: RetrievalReport) -> String {
            let cells = [r.precisionAt1, r.rPrecision, r.meanAveragePrecisionAtR,
                         r.knnAccuracy[1] ?? 0, r.knnAccuracy[3] ?? 0, r.knnAccuracy[5] ?? 0]
            return name.padding(toLength: 22, withPad: " ", startingAt: 0) + cells.map { String(format: "%10.4f", $0) }.joined()
        }
        let header = "embedding".padding(toLength: 22, withPad: " ", startingAt: 0)
            + ["P@1", "R-prec", "MAP@R", "kNN k=1", "kNN k=3", "kNN k=5"].map { $0.leftPadded(10) }.joined()
        return [header, row("raw pixels", raw), row(learnedName, learned)].joined(separator: "\n")
    }

    static func write(_ object: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: url)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
