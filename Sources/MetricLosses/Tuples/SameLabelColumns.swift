import TensorCore

/// For each anchor row, the reference columns that carry its label (the columns a loss over
/// negatives must leave out).
@usableFromInline struct SameLabelColumns: Sendable {
    /// Which entry of `groups` anchor row i uses.
    @usableFromInline let groupOfAnchor: [Int]
    /// The reference columns of each label present among the anchors, in increasing order.
    @usableFromInline let groups: [[Int]]

    /// Groups are numbered in the order their labels first occur among the anchors. Labels
    /// within a span of a few times the batch (class indices, as usual) are looked up in an
    /// array, any others in a dictionary: the same groups either way.
    @usableFromInline init(labels: [Int], referenceLabels: [Int]) {
        var groups: [[Int]] = []
        let low = labels.min() ?? 0, span = (labels.max() ?? 0).subtractingReportingOverflow(low)
        let dense = !span.overflow && span.partialValue < 4 * labels.count + 64
        var slots = [Int](repeating: -1, count: dense ? span.partialValue + 1 : 0), index: [Int: Int] = [:]
        /// The group of `label`, if an anchor carries it.
        func group(of label: Int) -> Int? {
            guard dense else { return index[label] }
            let (offset, overflow) = label.subtractingReportingOverflow(low)
            return !overflow && slots.indices.contains(offset) && slots[offset] >= 0 ? slots[offset] : nil
        }
        groupOfAnchor = labels.map { label in
            if let known = group(of: label) { return known }
            if dense { slots[label - low] = groups.count } else { index[label] = groups.count }
            groups.append([])
            return groups.count - 1
        }
        for (column, label) in referenceLabels.enumerated() {
            if let known = group(of: label) { groups[known].append(column) }
        }
        self.groups = groups
    }

    /// The reference columns labelled like anchor row `anchor`.
    @inlinable func columns(of anchor: Int) -> [Int] { groups[groupOfAnchor[anchor]] }

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
