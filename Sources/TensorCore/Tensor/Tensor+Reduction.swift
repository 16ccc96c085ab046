extension Tensor {
    /// The sum of every scalar (0 for an empty tensor), as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum() -> Tensor {
        Tensor(storage.withUnsafeBufferPointer { Reductions.sum($0.baseAddress!, count) })
    }

    /// The mean of every scalar (0 for an empty tensor), as a rank-0 tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean() -> Tensor {
        count == 0 ? Tensor(0) : Tensor(sum().storage[0] / Scalar(count))
    }

    /// The largest scalar; −∞ for an empty tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max() -> Tensor { Tensor(storage.max() ?? -.infinity) }

    /// The smallest scalar; +∞ for an empty tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func min() -> Tensor { Tensor(storage.min() ?? .infinity) }

    /// The rows × columns view of a rank-2 tensor, or a thrown error naming `operation`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func matrixExtents(_ operation: String) throws -> (rows: Int, columns: Int) {
        guard rank == 2 else {
            throw MetricLearningError(.shapeMismatch, "\(operation) needs a rank-2 tensor, got shape \(shape)")
        }
        return (shape[0], shape[1])
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func checkAxis(_ axis: Int, _ operation: String) throws {
        guard axis == 0 || axis == 1 else {
            throw MetricLearningError(.shapeMismatch, "\(operation): axis \(axis) is not 0 or 1")
        }
    }

    /// Sums of a matrix along `axis`: 0 gives one value per column, 1 one per row.
    /// - Throws: `MetricLearningError.shapeMismatch` for a tensor that is not rank 2 or a bad axis.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum(alongAxis axis: Int) throws -> Tensor {
        let (r, c) = try matrixExtents("sum(alongAxis:)")
        try Tensor.checkAxis(axis, "sum(alongAxis:)")
        return axis == 1 ? rowSums(rows: r, columns: c) : columnSums(rows: r, columns: c)
    }

    /// Means of a matrix along `axis` (0 where the axis is empty).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mean(alongAxis axis: Int) throws -> Tensor {
        let sums = try sum(alongAxis: axis)
        let n = shape[axis]
        return n == 0 ? sums : sums / Scalar(n)
    }

    /// Maxima of a matrix along `axis` (−∞ where the axis is empty).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max(alongAxis axis: Int) throws -> Tensor {
        try extremum(alongAxis: axis, "max(alongAxis:)") { $0 > $1 }.values
    }

    /// Minima of a matrix along `axis` (+∞ where the axis is empty).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func min(alongAxis axis: Int) throws -> Tensor {
        try extremum(alongAxis: axis, "min(alongAxis:)") { $0 < $1 }.values
    }

    /// Extreme values and the first index attaining them, along `axis`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func extremum(
        alongAxis axis: Int, _ operation: String, _ better: (Scalar, Scalar) -> Bool
    ) throws -> (values: Tensor, indices: [Int]) {
        let (r, c) = try matrixExtents(operation)
        try Tensor.checkAxis(axis, operation)
        let outer = axis == 1 ? r : c, inner = axis == 1 ? c : r
        let rowStep = axis == 1 ? c : 1, elementStep = axis == 1 ? 1 : c
        let start: Scalar = better(1, 0) ? -.infinity : .infinity
        var values = [Scalar](repeating: start, count: outer)
        var indices = [Int](repeating: -1, count: outer)
        for o in 0..<outer {
            var best = start, at = -1
            for i in 0..<inner {
                let v = storage[o * rowStep + i * elementStep]
                if at < 0 || better(v, best) { best = v; at = i }
            }
            values[o] = best
            indices[o] = at
        }
        return (Tensor(uncheckedShape: [outer], scalars: values), indices)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func rowSums(rows: Int, columns: Int) -> Tensor {
        let out = storage.withUnsafeBufferPointer { p in
            (0..<rows).map { Reductions.sum(p.baseAddress! + $0 * columns, columns) }
        }
        return Tensor(uncheckedShape: [rows], scalars: out)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func columnSums(rows: Int, columns: Int) -> Tensor {
        var out = [Scalar](repeating: 0, count: columns)
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    let row = p.baseAddress! + r * columns
                    for c in 0..<columns { o[c] += row[c] }
                }
            }
        }
        return Tensor(uncheckedShape: [columns], scalars: out)
    }

    /// ln Σⱼ exp(xᵢⱼ) over the entries of each row (`axis` 1) or column (`axis` 0) that
    /// `mask` keeps, computed around the maximum so it never overflows.
    ///
    /// With `includingZero`, a 0 joins every set: ln(1 + Σ exp x), which is 0 for an
    /// empty set. Without it, an empty set gives −∞.
    /// - Parameter mask: one flag per element (row-major), or `nil` to keep all.
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix, a bad axis or mask.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSumExp(alongAxis axis: Int, mask: [Bool]? = nil, includingZero: Bool = false) throws -> Tensor {
        try logSumExpWithWeights(alongAxis: axis, mask: mask, includingZero: includingZero).values
    }

    /// The masked log-sum-exp and the softmax weights (its gradient), zero where masked out.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package func logSumExpWithWeights(
        alongAxis axis: Int, mask: [Bool]?, includingZero: Bool
    ) throws -> (values: Tensor, weights: Tensor) {
        let (r, c) = try matrixExtents("logSumExp(alongAxis:)")
        try Tensor.checkAxis(axis, "logSumExp(alongAxis:)")
        if let mask, mask.count != count {
            throw MetricLearningError(.shapeMismatch, "logSumExp: mask of \(mask.count) flags for shape \(shape)")
        }
        let outer = axis == 1 ? r : c, inner = axis == 1 ? c : r
        let rowStep = axis == 1 ? c : 1, elementStep = axis == 1 ? 1 : c
        var values = [Scalar](repeating: 0, count: outer)
        var weights = [Scalar](repeating: 0, count: count)
        var kept = [Int](), scratch = [Scalar](repeating: 0, count: inner)
        for o in 0..<outer {
            kept.removeAll(keepingCapacity: true)
            var m: Scalar = includingZero ? 0 : -.infinity
            for i in 0..<inner {
                let at = o * rowStep + i * elementStep
                if mask?[at] ?? true {
                    kept.append(at)
                    m = Swift.max(m, storage[at])
                }
            }
            if m == -.infinity {
                values[o] = -.infinity
                continue
            }
            for (i, at) in kept.enumerated() { scratch[i] = storage[at] - m }
            scratch.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: kept.count) }
            var total: Scalar = includingZero ? Scalar.exp(-m) : 0
            for i in 0..<kept.count { total += scratch[i] }
            values[o] = m + Scalar.log(total)
            for (i, at) in kept.enumerated() { weights[at] = scratch[i] / total }
        }
        return (Tensor(uncheckedShape: [outer], scalars: values), Tensor(uncheckedShape: shape, scalars: weights))
    }
}
