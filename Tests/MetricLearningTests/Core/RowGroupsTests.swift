import Testing
import MetricLearning
@testable import TensorCore

/// `RowGroups` (pairs grouped by the row they touch, for the pair gradients) against a plain
/// filter: runs of one row, as mined pairs come, and rows in any order.
@Suite("Pairs grouped by row")
struct RowGroupsTests {
    @Test func eachRowListsItsPairsInOrder() {
        var generator = SeededRandomGenerator(seed: 29)
        let sorted = (0..<40).flatMap { r in Array(repeating: r % 9, count: generator.nextIndex(below: 4)) }
        let shuffled = (0..<60).map { _ in generator.nextIndex(below: 11) }
        let cases: [(rows: [Int], count: Int)] = [([], 0), ([], 3), ([2], 3), ([0, 0, 0], 1), (sorted, 9), (sorted + sorted.reversed(), 12), (shuffled, 11)]
        for (rows, count) in cases {
            let groups = RowGroups(rows: rows, count: count)
            #expect(groups.starts.count == count + 1 && groups.starts.first == 0 && groups.starts.last == rows.count)
            for r in 0..<count {
                #expect(Array(groups.pairs(of: r)) == rows.indices.filter { rows[$0] == r }, "row \(r) of \(rows)")
            }
        }
    }
}
