/// The dataset rows of each label, labels in the order they first appear (PML's
/// `labels_to_indices`).
struct ClassRows: Sendable {
    /// The distinct labels, in order of first appearance.
    let labels: [Int]
    /// The rows of each of `labels`, in increasing order.
    let rows: [[Int]]

    init(_ labels: [Int]) {
        var index: [Int: Int] = [:], order: [Int] = [], rows: [[Int]] = []
        for (row, label) in labels.enumerated() {
            if let known = index[label] {
                rows[known].append(row)
            } else {
                index[label] = rows.count
                order.append(label)
                rows.append([row])
            }
        }
        (self.labels, self.rows) = (order, rows)
    }
}
