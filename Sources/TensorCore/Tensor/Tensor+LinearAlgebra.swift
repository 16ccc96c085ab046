/// The matrix product op(a)·op(b), where op transposes when asked.
///
/// `a` is `[m, k]` (or `[k, m]` with `transposeA`), `b` is `[k, n]` (or `[n, k]` with
/// `transposeB`); the result is `[m, n]`. Multi-threaded above a size threshold, with
/// the same result for any thread count.
/// - Throws: `MetricLearningError.shapeMismatch` when an operand is not a matrix or the
///   inner extents differ.
/// - Complexity: O(m·n·k).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func matmul<Scalar: TensorScalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposeA: Bool = false, transposeB: Bool = false
) throws -> Tensor<Scalar> {
    let (ar, ac) = try a.matrixExtents("matmul (left operand)")
    let (br, bc) = try b.matrixExtents("matmul (right operand)")
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    guard k == k2 else {
        throw MetricLearningError(.shapeMismatch,
            "matmul: inner extents differ, \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(k2))")
    }
    // Every entry is written by the kernel (the first depth block stores, later ones add; a
    // Gram matrix's skipped tiles are mirrored), so the buffer starts uninitialised and its
    // pages are first touched by the threads that compute them.
    let out = [Scalar](uninitializedCount: m * n) { pc in
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                let dummy = UnsafePointer<Scalar>(bitPattern: MemoryLayout<Scalar>.alignment)!
                let va = MatrixView(base: pa.baseAddress ?? dummy, rowStride: transposeA ? 1 : ac, columnStride: transposeA ? ac : 1)
                let vb = MatrixView(base: pb.baseAddress ?? dummy, rowStride: transposeB ? 1 : bc, columnStride: transposeB ? bc : 1)
                // a·aᵀ of one buffer is a Gram matrix: compute half and mirror.
                let gram = !transposeA && transposeB && pa.baseAddress == pb.baseAddress && a.shape == b.shape
                if m * n > 0, let c = pc.baseAddress {
                    MatrixMultiply.multiply(m: m, n: n, k: k, a: va, b: vb, c: c, symmetric: gram)
                }
            }
        }
    }
    return Tensor(uncheckedShape: [m, n], scalars: out)
}

/// (g + gᵀ)·x for a square g, without forming g + gᵀ: the sum is taken while g is packed
/// for the product (the same numbers, bitwise, as symmetrising first).
/// - Throws: `MetricLearningError.shapeMismatch` for a non-square g or mismatched extents.
@usableFromInline
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func symmetrizedProduct<Scalar: TensorScalar>(_ g: Tensor<Scalar>, _ x: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let (n, n2) = try g.matrixExtents("symmetrised product (left operand)")
    let (k, d) = try x.matrixExtents("symmetrised product (right operand)")
    guard n == n2, k == n else {
        throw MetricLearningError(.shapeMismatch, "symmetrised product: \(g.shape) must be square and match \(x.shape)")
    }
    let out = [Scalar](uninitializedCount: n * d) { pc in
        g.storage.withUnsafeBufferPointer { pg in
            x.storage.withUnsafeBufferPointer { px in
                if n * d > 0, let c = pc.baseAddress, let a = pg.baseAddress, let b = px.baseAddress {
                    MatrixMultiply.multiply(m: n, n: d, k: n, a: MatrixView(base: a, rowStride: n, columnStride: 1, addsTranspose: true),
                                            b: MatrixView(base: b, rowStride: d, columnStride: 1), c: c)
                }
            }
        }
    }
    return Tensor(uncheckedShape: [n, d], scalars: out)
}

extension Tensor {
    /// The transpose of a matrix; a tensor of rank < 2 is returned unchanged.
    /// - Throws: `MetricLearningError.shapeMismatch` for rank > 2.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transposed() throws -> Tensor {
        if rank < 2 { return self }
        let (r, c) = try matrixExtents("transposed()")
        var out = [Scalar](repeating: 0, count: count)
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let block = 32
                for i0 in stride(from: 0, to: r, by: block) {
                    for j0 in stride(from: 0, to: c, by: block) {
                        for i in i0..<Swift.min(i0 + block, r) {
                            for j in j0..<Swift.min(j0 + block, c) { dst[j * r + i] = src[i * c + j] }
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [c, r], scalars: out)
    }
}
