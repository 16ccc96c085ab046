import TensorCore

/// Exact k-nearest-neighbour search by blocked distance products.
///
/// Queries are processed in blocks: one matrix product gives a block's squared
/// distances to every reference, and a bounded selection keeps the k best per query, so
/// memory is O(block·M + Q·k), never O(Q·M).
public enum NearestNeighbors {
    /// Indices of the k nearest references of each query (nearest first; ties by index),
    /// by Euclidean distance.
    ///
    /// - Parameter excludingSelf: queries and references are the same set; a query never
    ///   retrieves itself.
    /// - Throws: `MetricLearningError` for widths that differ or non-finite embeddings.
    /// - Complexity: O(Q·M·D) time, O(block·M + Q·k) memory.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func search<Scalar: TensorScalar>(
        queries: Tensor<Scalar>, references: Tensor<Scalar>, k: Int, excludingSelf: Bool
    ) throws -> [[Int]] {
        let (q, d) = try queries.matrixExtents("nearest neighbours (queries)")
        let (m, d2) = try references.matrixExtents("nearest neighbours (references)")
        guard d == d2 else {
            throw MetricLearningError(.shapeMismatch, "queries have width \(d) but references \(d2)")
        }
        for (name, matrix) in [("queries", queries), ("references", references)] {
            if let bad = matrix.scalars.firstIndex(where: { !$0.isFinite }) {
                throw MetricLearningError(.nonFiniteInput, "nearest neighbours: \(name) [\(bad / d), \(bad % d)] is \(matrix.scalars[bad]); embeddings must be finite")
            }
        }
        // Far from 1 in magnitude, squared norms overflow or underflow (1e30 squares to ∞ in
        // Float); a common power-of-two scale is exact and keeps every ranking.
        let (queries, references) = Self.scaledNearOne(queries, references)
        let k = Swift.max(0, Swift.min(k, excludingSelf ? m - 1 : m))
        let referenceNorms = try references.rowNorms().scalars.map { $0 * $0 }
        var result = [[Int]](repeating: [], count: q)
        let block = 256
        for start in stride(from: 0, to: q, by: block) {
            let rows = Array(start..<Swift.min(start + block, q))
            let part = try queries.gatheringRows(rows)
            let products = try matmul(part, references, transposeB: true)
            for (i, query) in rows.enumerated() {
                // The query's own norm does not change its ranking: ‖r‖² − 2 q·r.
                var best: [(Scalar, Int)] = []
                best.reserveCapacity(k + 1)
                for j in 0..<m where !(excludingSelf && j == query) {
                    let score = referenceNorms[j] - 2 * products.storage[i * m + j]
                    if best.count == k, let last = best.last, !(score < last.0) { continue }
                    var position = best.count
                    while position > 0 && score < best[position - 1].0 { position -= 1 }
                    best.insert((score, j), at: position)
                    if best.count > k { best.removeLast() }
                }
                result[query] = best.map(\.1)
            }
        }
        return result
    }

    /// Both matrices times 2⁻ᵉ, where 2ᵉ ≤ their largest magnitude < 2ᵉ⁺¹, when |e| > 20;
    /// otherwise unchanged.
    static func scaledNearOne<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>) {
        var largest: Scalar = 0
        for value in a.storage where value.magnitude > largest { largest = value.magnitude }
        for value in b.storage where value.magnitude > largest { largest = value.magnitude }
        guard largest > 0, Swift.abs(Int(largest.exponent)) > 20 else { return (a, b) }
        let down = -largest.exponent
        func scaled(_ t: Tensor<Scalar>) -> Tensor<Scalar> { t.map { Scalar(sign: .plus, exponent: down, significand: $0) } }
        return (scaled(a), scaled(b))
    }
}
