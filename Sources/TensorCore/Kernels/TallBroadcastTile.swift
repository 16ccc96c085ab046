/// 12 × 2 vectors with A packed as scalars and broadcast: the `FusedMultiplyAdd` trait's tile for
/// AVX-512 (`SIMD16<Float>`: 24 accumulators and two of B, of 32 registers).
struct TallBroadcastTile<Vector: SIMD>: BroadcastingTile where Vector.Scalar: TensorScalar {
    static var rows: Int { 12 }

    @inline(__always)
    static func multiply(kc: Int, a: UnsafePointer<Vector.Scalar>, b: UnsafePointer<Vector.Scalar>,
                         c: UnsafeMutablePointer<Vector.Scalar>, ldc: Int, accumulate: Bool) {
        var (top, bottom) = (SixAccumulatorRows<Vector>(), SixAccumulatorRows<Vector>())
        var ap = a
        for kk in 0..<kc {
            let (b0, b1) = loadB(UnsafeRawPointer(b), kk)
            top.add({ Vector(repeating: ap[$0]) }, b0, b1)
            bottom.add({ Vector(repeating: ap[6 + $0]) }, b0, b1)
            ap += 12
        }
        top.store(c, ldc: ldc, accumulate: accumulate)
        bottom.store(c + 6 * ldc, ldc: ldc, accumulate: accumulate)
    }
}
