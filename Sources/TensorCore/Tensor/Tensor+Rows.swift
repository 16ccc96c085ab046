extension Tensor {
    /// The L2 norm of each row of a matrix: `[rows]`.
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowNorms() throws -> Tensor {
        let (r, c) = try matrixExtents("rowNorms")
        func computed() -> Tensor {
            let squares = Reductions.rowDots(storage, storage, rows: r, width: c)
            let out = storage.withUnsafeBufferPointer { p in
                (0..<r).map { i -> Scalar in Self.norm(square: squares[i], row: p.baseAddress.map { $0 + i * c }, width: c) }
            }
            return Tensor(uncheckedShape: [r], scalars: out)
        }
        // Normalised rows come with their norms, worked out as they were written (`StepMemo`);
        // norms kept for the same scalars in rows of another width are not these.
        let known = StepMemo.result(.rowNorms, of: storage, computed)
        return known.count == r ? known : computed()
    }

    /// The norm of a row from its sum of squares: the root, or where the squares overflowed
    /// (entries near the root of the largest scalar), the norm of the row scaled by 2^−k
    /// (exact), scaled back.
    @inline(__always)
    static func norm(square: Scalar, row: UnsafePointer<Scalar>?, width c: Int) -> Scalar {
        guard square == .infinity, let row else { return square.squareRoot() }
        let (lower, upper) = Reductions.bounds(row, c)
        let largest = Swift.max(upper, -lower)
        let (down, up) = EuclideanRescale.factors(Int(largest.exponent), as: Scalar.self)
        let scaled = (0..<c).map { row[$0] * down }
        return scaled.withUnsafeBufferPointer { Reductions.dot($0.baseAddress!, $0.baseAddress!, c) }.squareRoot() * up
    }

    /// Each row divided by max(‖row‖, 1e-12), as PyTorch's `normalize` does: zero rows stay zero.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func normalizedRows() throws -> Tensor {
        try normalizedRowsAndNorms().rows
    }

    /// `normalizedRows()` and the `rowNorms()` it divided by, in one pass over each block of
    /// rows, the blocks split over threads (the same values as the two calls). With
    /// `normsOfRows`, also the `rowNorms()` of the normalised rows, each block's worked out
    /// while it is in cache on the thread that wrote it (else `normsOfRows` is empty).
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func normalizedRowsAndNorms(normsOfRows: Bool = false) throws -> (rows: Tensor, norms: Tensor, normsOfRows: Tensor) {
        let (r, c) = try matrixExtents("rowNorms")
        var norms = [Scalar](repeating: 0, count: r), outputNorms = [Scalar](repeating: 0, count: normsOfRows ? r : 0)
        let out = [Scalar](uninitializedCount: r * c) { ob in
            storage.withUnsafeBufferPointer { xb in
                norms.withUnsafeMutableBufferPointer { nb in
                  outputNorms.withUnsafeMutableBufferPointer { ob2 in
                    guard c > 0, let x = xb.baseAddress, let o = ob.baseAddress, let n = nb.baseAddress else { return }
                    // (An empty array's buffer may still have an address: not one to write to.)
                    nonisolated(unsafe) let (xp, op, np, yn) = (x, o, n, normsOfRows ? ob2.baseAddress : nil)
                    _ = parallelRanges(r, chunks: 8, work: r * c * divisionWork) { rows in
                        Reductions.rowDots(xp, xp, rows: rows, width: c, into: np)
                        for i in rows {
                            np[i] = Self.norm(square: np[i], row: xp + i * c, width: c)
                            let divisor = Swift.max(np[i], Tensor.normalizationFloor)
                            let (source, target) = (xp + i * c, op + i * c)
                            for j in 0..<c { (target + j).initialize(to: source[j] / divisor) }
                        }
                        guard let yn else { return }
                        Reductions.rowDots(op, op, rows: rows, width: c, into: yn)
                        for i in rows { yn[i] = Self.norm(square: yn[i], row: op + i * c, width: c) }
                    }
                  }
                }
            }
        }
        return (Tensor(uncheckedShape: shape, scalars: out), Tensor(uncheckedShape: [r], scalars: norms),
                Tensor(uncheckedShape: [normsOfRows ? r : 0], scalars: outputNorms))
    }

    /// The smallest norm a row is divided by when normalised.
    @usableFromInline package static var normalizationFloor: Scalar { Scalar(1e-12) }
}

/// The matrix of dot products x_i · y_j: `[x.rows, y.rows]`.
/// - Throws: `MetricLearningError.shapeMismatch` when the widths differ.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseDotProducts<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try matmul(x, y, transposeB: true)
}

/// The matrix of squared Euclidean distances ‖x_i − y_j‖².
///
/// Computed as ‖x_i‖² + ‖y_j‖² − 2 x_i·y_j so the bulk of the work is one matrix product;
/// entries small enough to have lost digits to cancellation are summed directly.
/// - Throws: `MetricLearningError.shapeMismatch` when the widths differ.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseSquaredDistances<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try DistanceMatrix.compute(x, y, root: false)
}

/// The matrix of Euclidean distances ‖x_i − y_j‖.
/// - Throws: `MetricLearningError.shapeMismatch` when the widths differ.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseDistances<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try DistanceMatrix.compute(x, y, root: true)
}
