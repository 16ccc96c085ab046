/// Six rows of two vectors of accumulators, the building block of the micro-kernel tiles (all in
/// registers once inlined).
struct SixAccumulatorRows<V: SIMD> where V.Scalar: TensorScalar {
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()

    /// One step of depth: row r gains a(r)·b0 and a(r)·b1.
    @inline(__always)
    mutating func add(_ a: (Int) -> V, _ b0: V, _ b1: V) {
        var x = a(0); c00 = multiplyAdd(x, b0, c00); c01 = multiplyAdd(x, b1, c01)
        x = a(1); c10 = multiplyAdd(x, b0, c10); c11 = multiplyAdd(x, b1, c11)
        x = a(2); c20 = multiplyAdd(x, b0, c20); c21 = multiplyAdd(x, b1, c21)
        x = a(3); c30 = multiplyAdd(x, b0, c30); c31 = multiplyAdd(x, b1, c31)
        x = a(4); c40 = multiplyAdd(x, b0, c40); c41 = multiplyAdd(x, b1, c41)
        x = a(5); c50 = multiplyAdd(x, b0, c50); c51 = multiplyAdd(x, b1, c51)
    }

    /// Stores (or adds to) rows `c`, `c + ldc`, … of C.
    @inline(__always)
    func store(_ c: UnsafeMutablePointer<V.Scalar>, ldc: Int, accumulate: Bool) {
        @inline(__always) func row(_ r: Int, _ v0: V, _ v1: V) {
            let raw = UnsafeMutableRawPointer(c + r * ldc)
            let offset = V.scalarCount * MemoryLayout<V.Scalar>.stride
            if accumulate {
                raw.storeBytes(of: raw.loadUnaligned(as: V.self) + v0, as: V.self)
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: offset, as: V.self) + v1, toByteOffset: offset, as: V.self)
            } else {
                raw.storeBytes(of: v0, as: V.self)
                raw.storeBytes(of: v1, toByteOffset: offset, as: V.self)
            }
        }
        row(0, c00, c01); row(1, c10, c11); row(2, c20, c21)
        row(3, c30, c31); row(4, c40, c41); row(5, c50, c51)
    }
}
