extension Tensor {
    /// The L2 norm of each row of a matrix: `[rows]`.
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowNorms() throws -> Tensor {
        let (r, c) = try matrixExtents("rowNorms")
        let squares = Reductions.rowDots(storage, storage, rows: r, width: c)
        let out = storage.withUnsafeBufferPointer { p in
            (0..<r).map { i -> Scalar in
                guard squares[i] == .infinity else { return squares[i].squareRoot() }
                let row = p.baseAddress! + i * c
                // Entries near the root of the largest scalar square to ∞: the norm of the row
                // scaled by 2^−k (exact), scaled back.
                let (lower, upper) = Reductions.bounds(row, c)
                let largest = Swift.max(upper, -lower)
                let (down, up) = EuclideanRescale.factors(Int(largest.exponent), as: Scalar.self)
                let scaled = (0..<c).map { row[$0] * down }
                return scaled.withUnsafeBufferPointer { Reductions.dot($0.baseAddress!, $0.baseAddress!, c) }.squareRoot() * up
            }
        }
        return Tensor(uncheckedShape: [r], scalars: out)
    }

    /// Each row divided by max(‖row‖, 1e-12), as PyTorch's `normalize` does: zero rows stay zero.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func normalizedRows() throws -> Tensor {
        try normalizedRows(norms: rowNorms())
    }

    /// `normalizedRows()` of a matrix whose `rowNorms()` the caller already holds.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func normalizedRows(norms: Tensor) -> Tensor {
        let (r, c) = (shape[0], shape[1])
        let out = [Scalar](uninitializedCount: r * c) { ob in
            storage.withUnsafeBufferPointer { xb in
                norms.storage.withUnsafeBufferPointer { nb in
                    for i in 0..<r {
                        let divisor = Swift.max(nb[i], Tensor.normalizationFloor)
                        let (source, target) = (xb.baseAddress! + i * c, ob.baseAddress! + i * c)
                        for j in 0..<c { (target + j).initialize(to: source[j] / divisor) }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
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
