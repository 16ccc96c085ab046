/// 6 × 2 vectors with A packed pre-broadcast (each scalar stored as a whole vector, a load
/// instead of a shuffle): the tile of a default build (`SIMD4<Float>`: 12 accumulators of
/// SSE2's 16 registers) and of arm64 (NEON).
struct PreBroadcastTile<Vector: SIMD>: MicroTile where Vector.Scalar: TensorScalar {
    static var rows: Int { 6 }
    static var aLanes: Int { Vector.scalarCount }
    static var streamsB: Bool { false }

    @inline(__always)
    static func multiply(kc: Int, a: UnsafePointer<Vector.Scalar>, b: UnsafePointer<Vector.Scalar>,
                         c: UnsafeMutablePointer<Vector.Scalar>, ldc: Int, accumulate: Bool) {
        var tile = SixAccumulatorRows<Vector>()
        let step = Vector.scalarCount * MemoryLayout<Vector.Scalar>.stride
        var ap = UnsafeRawPointer(a)
        for kk in 0..<kc {
            let (b0, b1) = loadB(UnsafeRawPointer(b), kk)
            tile.add({ ap.loadUnaligned(fromByteOffset: $0 * step, as: Vector.self) }, b0, b1)
            ap += 6 * step
        }
        tile.store(c, ldc: ldc, accumulate: accumulate)
    }
}
