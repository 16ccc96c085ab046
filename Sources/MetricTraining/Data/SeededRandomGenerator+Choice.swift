import TensorCore

extension SeededRandomGenerator {
    /// `size` of `rows` in random order: without replacement when there are at least `size`
    /// of them, with replacement when there are fewer (PML's `safe_random_choice`).
    ///
    /// - Complexity: O(size) expected (a partial Fisher–Yates shuffle that records only the
    ///   positions it swaps).
    mutating func choose(_ size: Int, of rows: [Int]) -> [Int] {
        let count = rows.count
        guard count >= size else { return (0..<size).map { _ in rows[nextIndex(below: count)] } }
        var swapped: [Int: Int] = [:]
        return (0..<size).map { i in
            let j = i + nextIndex(below: count - i)
            let (atI, atJ) = (swapped[i] ?? i, swapped[j] ?? j)
            swapped[j] = atI
            return rows[atJ]
        }
    }
}
