import Dispatch
import TensorCore

/// The pairs a pair-margin rule keeps from an exactly symmetric distance matrix of a batch
/// against itself (`PairMarginMiner`), selected from its strict upper triangle part by part
/// while the matrix is computed (`makeVisit(leavingLowerTriangle:)`, a `DistanceMatrixVisit`),
/// on the thread that computed each part, then listed as a scan of whole rows would list them.
///
/// Positives are same-label pairs with d > `positiveBound`, negatives other-label pairs with
/// d < `negativeBound`; the conditions are symmetric, so a pair (i, j) kept above the
/// diagonal is also the pair (j, i).
final class UpperTrianglePairs<Scalar: TensorScalar>: @unchecked Sendable {
    let labels: [Int], positiveBound: Scalar, negativeBound: Scalar
    /// Each anchor's same-label columns, read on both threads through unchecked buffers.
    let groups: SameLabelColumns
    /// Guards `parts`: parts are selected on several threads.
    private let queue = DispatchQueue(label: "MetricLosses.UpperTrianglePairs")
    /// Each visited part's first row and column, and the pairs kept in it, by row then column.
    private var parts: [(row: Int, column: Int, positive: [IndexPair], negative: [IndexPair])] = []

    init(labels: [Int], groups: SameLabelColumns, positiveBound: Scalar, negativeBound: Scalar) {
        (self.labels, self.groups, self.positiveBound, self.negativeBound) = (labels, groups, positiveBound, negativeBound)
    }

    /// What the matrix's computation runs on each of its parts (it holds this selection),
    /// leaving the matrix without its lower triangle when asked.
    func makeVisit(leavingLowerTriangle: Bool) -> DistanceMatrixVisit {
        DistanceMatrixVisit(count: labels.count, leavesLowerTriangle: leavingLowerTriangle) { [self] matrix, rows, columns in
            select(matrix.assumingMemoryBound(to: Scalar.self), rows: rows, columns: columns)
        }
    }

    /// Keeps the pairs of the part `rows` × `columns` right of the diagonal.
    private func select(_ matrix: UnsafePointer<Scalar>, rows: Range<Int>, columns: Range<Int>) {
        let n = labels.count
        var positive: [IndexPair] = [], negative: [IndexPair] = []
        labels.withUnsafeBufferPointer { labels in
          groups.groupOfAnchor.withUnsafeBufferPointer { groupOf in
            groups.groupStarts.withUnsafeBufferPointer { groupStarts in
                groups.members.withUnsafeBufferPointer { members in
                    for i in rows {
                        let start = Swift.max(columns.lowerBound, i + 1), end = columns.upperBound
                        guard start < end else { continue }
                        let row = matrix + i * n
                        // Negatives by vectorised search (hits below a margin are few), then
                        // positives from the label group, the row in cache by then.
                        var from = start
                        while from < end, let k = Reductions.firstIndex(row + from, end - from, below: negativeBound) {
                            let j = from + k
                            if labels[j] != labels[i] { negative.append(IndexPair(anchor: Int32(i), other: Int32(j))) }
                            from = j + 1
                        }
                        let g = groupOf[i]
                        for j in members[groupStarts[g]..<groupStarts[g + 1]] where j >= start && j < end && row[j] > positiveBound {
                            positive.append(IndexPair(anchor: Int32(i), other: Int32(j)))
                        }
                    }
                }
            }
          }
        }
        queue.sync { parts.append((rows.lowerBound, columns.lowerBound, positive, negative)) }
    }

    /// Every anchor's positives and negatives, each list in order of anchor and then column
    /// (the mirrors of the pairs kept included): what scanning whole rows lists.
    func pairs() -> (positive: [IndexPair], negative: [IndexPair]) {
        let ordered = queue.sync { parts }.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
        return (Self.withMirrors(Self.byAnchor(ordered.map(\.positive), count: labels.count), count: labels.count),
                Self.withMirrors(Self.byAnchor(ordered.map(\.negative), count: labels.count), count: labels.count))
    }

    /// The pairs of `lists` (each by row, then column; lists in order of their parts' rows and
    /// then columns) by anchor, keeping their order within an anchor: by anchor, then column.
    /// Parts that each hold whole rows (one column block) need no more than joining.
    static func byAnchor(_ lists: [[IndexPair]], count n: Int) -> [IndexPair] {
        var joined: [IndexPair] = []
        joined.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for list in lists { joined.append(contentsOf: list) }
        // Each list is in order, so the joined one is unless a list starts at an anchor
        // before the end of the lists ahead of it.
        var last = Int32.min
        let inOrder = lists.allSatisfy { list in
            guard let first = list.first, let end = list.last else { return true }
            defer { last = end.anchor }
            return first.anchor >= last
        }
        guard !inOrder else { return joined }
        // Grouped by anchor as the pair gradients group pairs by row (in increasing order).
        let groups = RowGroups(rows: joined.map { Int($0.anchor) }, count: n)
        return groups.order.map { joined[$0] }
    }

    /// The pairs (i, j), i < j, in order of anchor and then column, with their mirrors (j, i)
    /// among them: each anchor's columns left of it first, then those right of it, in order.
    static func withMirrors(_ upper: [IndexPair], count n: Int) -> [IndexPair] {
        guard !upper.isEmpty, let last = upper.last else { return [] }
        // next[a + 1]: anchor a's mirrors, counted; then next[a]: its next mirror's slot.
        // ownEnd[a]: one past anchor a's last pair in `upper` (0: none), as `upper` is
        // ordered by anchor: a store a pair, where a count would wait on the one before.
        var next = [Int](repeating: 0, count: n + 1), ownEnd = [Int](repeating: 0, count: Int(last.anchor) + 1)
        return [IndexPair](uninitializedCount: 2 * upper.count) { out in
            next.withUnsafeMutableBufferPointer { next in
                ownEnd.withUnsafeMutableBufferPointer { ownEnd in
                    upper.withUnsafeBufferPointer { upper in
                        guard let target = out.baseAddress, let source = upper.baseAddress else { return }
                        for (t, pair) in upper.enumerated() {
                            next[Int(pair.other) &+ 1] &+= 1
                            ownEnd[Int(pair.anchor)] = t &+ 1
                        }
                        // Each anchor's slots: its mirrors, then its own pairs, copied as a run.
                        var slot = 0, ownStart = 0
                        for a in 0..<n {
                            let mirrors = next[a &+ 1]
                            next[a] = slot
                            slot &+= mirrors
                            if a < ownEnd.count && ownEnd[a] > 0 {
                                (target + slot).initialize(from: source + ownStart, count: ownEnd[a] &- ownStart)
                                (slot, ownStart) = (slot &+ ownEnd[a] &- ownStart, ownEnd[a])
                            }
                        }
                        // Mirrors (j, i) in order of i, as `upper` is ordered by anchor.
                        for pair in upper {
                            (target + next[Int(pair.other)]).initialize(to: IndexPair(anchor: pair.other, other: pair.anchor))
                            next[Int(pair.other)] &+= 1
                        }
                    }
                }
            }
        }
    }
}
