import TensorCore

/// For each anchor row, the reference columns that carry its label (the columns a loss over
/// negatives must leave out).
///
/// The columns of every group sit in one array (a counting sort of the reference columns by
/// group), so that building them allocates a few arrays, not one a label.
@usableFromInline struct SameLabelColumns: Sendable {
    /// Which group anchor row i uses.
    @usableFromInline let groupOfAnchor: [Int]
    /// The reference columns of group g, in increasing order, are
    /// `members[groupStarts[g]..<groupStarts[g + 1]]`.
    @usableFromInline let groupStarts: [Int], members: [Int]

    /// Groups are numbered in the order their labels first occur among the anchors. Labels
    /// within a span of a few times the batch (class indices, as usual) are looked up in an
    /// array, any others in a dictionary: the same groups either way.
    @usableFromInline init(labels: [Int], referenceLabels: [Int]) {
        let low = labels.min() ?? 0, span = (labels.max() ?? 0).subtractingReportingOverflow(low)
        let groupOfColumn: [Int]
        if !span.overflow && span.partialValue < 4 * labels.count + 64 {
            // slots[label − low]: the label's group, -1 while no anchor has shown it.
            var slots = [Int](repeating: -1, count: span.partialValue + 1), count = 0
            groupOfAnchor = labels.map { label in
                let slot = label &- low
                if slots[slot] < 0 { (slots[slot], count) = (count, count + 1) }
                return slots[slot]
            }
            groupOfColumn = referenceLabels.map { label in
                let (slot, overflow) = label.subtractingReportingOverflow(low)
                return !overflow && slot >= 0 && slot < slots.count ? slots[slot] : -1
            }
        } else {
            var index: [Int: Int] = [:]
            groupOfAnchor = labels.map { label in
                if let known = index[label] { return known }
                index[label] = index.count
                return index.count - 1
            }
            groupOfColumn = referenceLabels.map { index[$0] ?? -1 }
        }
        // The columns of each group (-1: no anchor has the label) counted, then placed group
        // by group in column order.
        let groupCount = (groupOfAnchor.max() ?? -1) + 1
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groupOfColumn where g >= 0 { starts[g + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        groupStarts = starts
        members = [Int](uninitializedCount: starts[groupCount]) { out in
            for (column, g) in groupOfColumn.enumerated() where g >= 0 {
                out.initializeElement(at: starts[g], to: column)
                starts[g] += 1
            }
        }
    }

    /// The reference columns labelled like anchor row `anchor`, in increasing order.
    @inlinable func columns(of anchor: Int) -> ArraySlice<Int> {
        let g = groupOfAnchor[anchor]
        return members[groupStarts[g]..<groupStarts[g + 1]]
    }

    /// Writes sign·row[j] into out[j] for the m columns, then `excluded` at the columns
    /// labelled like `anchor` and at its own column: the row as its negatives see it.
    /// `out` may be `row` itself (with sign 1 nothing is copied).
    @inlinable func negativesRow<Scalar: TensorScalar>(_ out: UnsafeMutablePointer<Scalar>, from row: UnsafePointer<Scalar>, count m: Int,
                                                       sign: Scalar, anchor: Int, own: Int?, excluded: Scalar) {
        if sign != 1 {
            for j in 0..<m { out[j] = sign * row[j] }
        } else if UnsafePointer(out) != row {
            out.update(from: row, count: m)
        }
        for j in columns(of: anchor) { out[j] = excluded }
        if let own, own < m { out[own] = excluded }
    }
}
