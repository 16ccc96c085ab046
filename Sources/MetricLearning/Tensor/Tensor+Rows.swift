extension Tensor {
    /// The L2 norm of each row of a matrix: `[rows]`.
    /// - Throws: `MetricLearningError.shapeMismatch` for a non-matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowNorms() throws -> Tensor {
        let (r, c) = try matrixExtents("rowNorms")
        let out = storage.withUnsafeBufferPointer { p in
            (0..<r).map { i -> Scalar in
                let row = p.baseAddress! + i * c
                return Reductions.dot(row, row, c).squareRoot()
            }
        }
        return Tensor(uncheckedShape: [r], scalars: out)
    }

    /// Each row divided by max(‖row‖, 1e-12), as PyTorch's `normalize` does: zero rows stay zero.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func normalizedRows() throws -> Tensor {
        let norms = try rowNorms()
        let (r, c) = (shape[0], shape[1])
        var out = storage
        for i in 0..<r {
            let divisor = Swift.max(norms.storage[i], Tensor.normalizationFloor)
            for j in 0..<c { out[i * c + j] /= divisor }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }

    /// The smallest norm a row is divided by when normalised.
    @usableFromInline static var normalizationFloor: Scalar { Scalar(1e-12) }
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
    var products = try matmul(x, y, transposeB: true)
    let xs = try x.rowNorms().storage.map { $0 * $0 }
    let ys = try y.rowNorms().storage.map { $0 * $0 }
    let (n, width) = (ys.count, x.shape[1])
    // Where cancellation leaves few correct digits (near-duplicates, the diagonal of a
    // self-distance matrix), the entry is recomputed directly as Σ (x − y)².
    let cancellation = Scalar(64) * Scalar.ulpOfOne.squareRoot()
    products.storage.withUnsafeMutableBufferPointer { pb in
        x.storage.withUnsafeBufferPointer { xb in
            y.storage.withUnsafeBufferPointer { yb in
                nonisolated(unsafe) let (p, px, py) = (pb.baseAddress, xb.baseAddress, yb.baseAddress)
                _ = parallelRanges(xs.count, work: xs.count * n * 4) { rows in
                for i in rows {
                    let row = p! + i * n
                    let xi = xs[i]
                    var lowest = Scalar.infinity
                    for j in 0..<n {
                        let fast = xi + ys[j] - 2 * row[j]
                        row[j] = fast
                        lowest = Swift.min(lowest, fast - cancellation * (xi + ys[j]))
                    }
                    // Rarely needed: recompute entries that lost their digits.
                    guard lowest <= 0 else { continue }
                    for j in 0..<n where row[j] <= cancellation * (xi + ys[j]) {
                        var exact: Scalar = 0
                        for k in 0..<width {
                            let d = px![i * width + k] - py![j * width + k]
                            exact += d * d
                        }
                        row[j] = exact
                    }
                }
                }
            }
        }
    }
    return products
}

/// The matrix of Euclidean distances ‖x_i − y_j‖.
/// - Throws: `MetricLearningError.shapeMismatch` when the widths differ.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseDistances<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) throws -> Tensor<Scalar> {
    var distances = try pairwiseSquaredDistances(x, y)
    distances.formSquareRoot()
    return distances
}
