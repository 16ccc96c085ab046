import Testing
import MetricLearning
@testable import MetricLosses

/// `SameLabelColumns` looks labels in a small span up in an array and any others in a
/// dictionary; both give each anchor the reference columns of its label, in order.
@Suite("Same-label columns of each anchor")
struct SameLabelColumnsTests {
    @Test func everySpanOfLabelsGivesTheColumnsOfTheLabel() {
        var generator = SeededRandomGenerator(seed: 17)
        for (n, m, classes) in [(0, 5, 3), (6, 0, 3), (9, 14, 4), (12, 12, 40), (30, 50, 300), (1, 1, 1)] {
            let labels = (0..<n).map { _ in generator.nextIndex(below: classes) }
            let referenceLabels = (0..<m).map { _ in generator.nextIndex(below: classes + 2) - 1 }
            // The same classes as class indices (array), far apart (dictionary) and at the extremes of Int.
            let spreads: [(Int) -> Int] = [{ $0 }, { $0 * 1_000_003 - 7 }, { $0 == 0 ? Int.min : ($0 == 1 ? Int.max : $0) }]
            for spread in spreads {
                let groups = SameLabelColumns(labels: labels.map(spread), referenceLabels: referenceLabels.map(spread))
                for i in 0..<n {
                    let expected = referenceLabels.indices.filter { referenceLabels[$0] == labels[i] }
                    #expect(Array(groups.columns(of: i)) == expected, "n \(n), m \(m), classes \(classes), anchor \(i)")
                }
            }
        }
    }
}
