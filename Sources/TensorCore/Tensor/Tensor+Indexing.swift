extension Tensor {
    /// The rows of a matrix at `indices`, in order (repeats allowed): `[indices.count, columns]`.
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix or an index out of range.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gatheringRows(_ indices: [Int]) throws -> Tensor {
        let (r, c) = try matrixExtents("gatheringRows")
        if let bad = indices.first(where: { $0 < 0 || $0 >= r }) {
            throw MetricLearningError(.shapeMismatch, "gatheringRows: row \(bad) is outside 0..<\(r)")
        }
        var out = [Scalar]()
        out.reserveCapacity(indices.count * c)
        for i in indices { out.append(contentsOf: storage[(i * c)..<(i * c + c)]) }
        return Tensor(uncheckedShape: [indices.count, c], scalars: out)
    }

    /// The elements (rows[t], columns[t]) of a matrix, as a vector of `rows.count`.
    /// - Throws: `MetricLearningError.shapeMismatch` when the index lists differ in length
    ///   or an index is out of range.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gatheringElements(rows: [Int], columns: [Int]) throws -> Tensor {
        let (r, c) = try matrixExtents("gatheringElements")
        guard rows.count == columns.count else {
            throw MetricLearningError(.shapeMismatch, "gatheringElements: \(rows.count) rows but \(columns.count) columns")
        }
        var out = [Scalar](repeating: 0, count: rows.count)
        for t in 0..<rows.count {
            let i = rows[t], j = columns[t]
            guard i >= 0 && i < r && j >= 0 && j < c else {
                throw MetricLearningError(.shapeMismatch, "gatheringElements: (\(i), \(j)) is outside \(shape)")
            }
            out[t] = storage[i * c + j]
        }
        return Tensor(uncheckedShape: [rows.count], scalars: out)
    }
}
