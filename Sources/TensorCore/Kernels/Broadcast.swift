/// How a tensor of rank ≤ 2 is read as a matrix when broadcast against another.
///
/// Rank 0 reads as 1×1, rank 1 (`[n]`) as a 1×n row, rank 2 as itself. An axis of
/// extent 1 is repeated along the other operand's axis (stride 0).
@usableFromInline package struct BroadcastPlan: Sendable {
    @usableFromInline package let rows: Int
    @usableFromInline package let columns: Int
    @usableFromInline package let resultShape: [Int]
    @usableFromInline package let lhs: (rowStride: Int, columnStride: Int)
    @usableFromInline package let rhs: (rowStride: Int, columnStride: Int)
    /// Both operands have the result's shape: a flat loop suffices.
    @usableFromInline package let isElementwise: Bool

    @usableFromInline package init(_ a: [Int], _ b: [Int], operation: String) throws {
        if a == b {
            let n = a.reduce(1, *)
            rows = 1; columns = n; resultShape = a
            lhs = (0, 1); rhs = (0, 1); isElementwise = true
            return
        }
        guard a.count <= 2, b.count <= 2 else {
            throw MetricLearningError(.shapeMismatch, "\(operation): shapes \(a) and \(b) differ and broadcasting covers rank ≤ 2 only")
        }
        func view(_ s: [Int]) -> (Int, Int) {
            switch s.count {
            case 0: return (1, 1)
            case 1: return (1, s[0])
            default: return (s[0], s[1])
            }
        }
        let (ar, ac) = view(a), (br, bc) = view(b)
        guard ar == br || ar == 1 || br == 1, ac == bc || ac == 1 || bc == 1 else {
            throw MetricLearningError(.shapeMismatch, "\(operation): shapes \(a) and \(b) do not broadcast")
        }
        rows = ar == 1 ? br : ar
        columns = ac == 1 ? bc : ac
        switch max(a.count, b.count) {
        case 0: resultShape = []
        case 1: resultShape = [columns]
        default: resultShape = [rows, columns]
        }
        lhs = (ar == 1 ? 0 : ac, ac == 1 ? 0 : 1)
        rhs = (br == 1 ? 0 : bc, bc == 1 ? 0 : 1)
        isElementwise = false
    }

    /// Applies `f` elementwise under this plan.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    func apply<Scalar: TensorScalar>(
        _ a: [Scalar], _ b: [Scalar], _ f: (Scalar, Scalar) -> Scalar
    ) -> [Scalar] {
        let n = rows * columns
        return [Scalar](uninitializedCount: n) { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if isElementwise {
                        for i in 0..<n { out[i] = f(pa[i], pb[i]) }
                    } else if pb.count == 1 {
                        let s = pb[0]
                        if pa.count == n { for i in 0..<n { out[i] = f(pa[i], s) } }
                        else { fill(out, pa, pb, f) }
                    } else if pa.count == 1 {
                        let s = pa[0]
                        if pb.count == n { for i in 0..<n { out[i] = f(s, pb[i]) } }
                        else { fill(out, pa, pb, f) }
                    } else {
                        fill(out, pa, pb, f)
                    }
                }
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    func fill<Scalar: TensorScalar>(
        _ out: UnsafeMutableBufferPointer<Scalar>, _ pa: UnsafeBufferPointer<Scalar>,
        _ pb: UnsafeBufferPointer<Scalar>, _ f: (Scalar, Scalar) -> Scalar
    ) {
        for r in 0..<rows {
            let ao = r * lhs.rowStride, bo = r * rhs.rowStride, oo = r * columns
            for c in 0..<columns {
                out[oo + c] = f(pa[ao + c * lhs.columnStride], pb[bo + c * rhs.columnStride])
            }
        }
    }

    /// Sums a result-shaped gradient back to an operand's shape (the pullback of broadcasting).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable
    func reduce<Scalar: TensorScalar>(_ gradient: [Scalar], toOperandShape shape: [Int], strides: (rowStride: Int, columnStride: Int)) -> Tensor<Scalar> {
        if isElementwise { return Tensor(uncheckedShape: shape, scalars: gradient) }
        let count = shape.reduce(1, *)
        if count == rows * columns { return Tensor(uncheckedShape: shape, scalars: gradient) }
        var out = [Scalar](repeating: 0, count: count)
        gradient.withUnsafeBufferPointer { g in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows {
                    let oo = r * strides.rowStride, go = r * columns
                    for c in 0..<columns { o[oo + c * strides.columnStride] += g[go + c] }
                }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}
