/// The batch rows of each label, in increasing order.
@usableFromInline struct LabelGroups {
    @usableFromInline var rows: [Int: [Int]] = [:]

    @usableFromInline init(_ labels: [Int]) {
        for (i, label) in labels.enumerated() { rows[label, default: []].append(i) }
    }

    /// The rows carrying `label`.
    @usableFromInline func members(of label: Int) -> [Int] { rows[label] ?? [] }
}
