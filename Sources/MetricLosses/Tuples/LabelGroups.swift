import TensorCore

/// The batch rows of each label, in increasing order.
@usableFromInline struct LabelGroups {
    @usableFromInline let rows: [Int: [Int]]

    @usableFromInline init(_ labels: [Int]) {
        var rows: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { rows[label, default: []].append(i) }
        self.rows = rows
    }

    /// The rows carrying `label`.
    @usableFromInline func members(of label: Int) -> [Int] { rows[label] ?? [] }
}
