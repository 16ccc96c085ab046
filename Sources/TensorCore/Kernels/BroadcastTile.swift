/// 6 × 2 vectors with A packed as scalars, broadcast in each multiply-add (a broadcast load,
/// folded into the instruction where the CPU allows): the `FusedMultiplyAdd` trait's tile for
/// AVX2 (`SIMD8<Float>`: 12 accumulators and two of B, of 16 registers).
struct BroadcastTile<Vector: SIMD>: BroadcastingTile where Vector.Scalar: TensorScalar {
    static var rows: Int { 6 }

    @inline(__always)
    static func multiply(kc: Int, a: UnsafePointer<Vector.Scalar>, b: UnsafePointer<Vector.Scalar>,
                         c: UnsafeMutablePointer<Vector.Scalar>, ldc: Int, accumulate: Bool) {
        var tile = SixAccumulatorRows<Vector>()
        var ap = a
        for kk in 0..<kc {
            let (b0, b1) = loadB(UnsafeRawPointer(b), kk)
            tile.add({ Vector(repeating: ap[$0]) }, b0, b1)
            ap += 6
        }
        tile.store(c, ldc: ldc, accumulate: accumulate)
    }
}
