/// A register tile of the matrix-product micro-kernel: `rows` rows of C by two vectors,
/// accumulated over `kc` steps from a packed panel of A and a packed panel of B (depth-major
/// rows of `2 × Vector.scalarCount` scalars).
///
/// Every element of C is the same sum in the same order whatever the tile (one multiply-add
/// per step of depth, from zero, then added to C), so the tile changes speed, never results.
protocol MicroTile {
    associatedtype Vector: SIMD where Vector.Scalar: TensorScalar
    /// The rows of C in the tile.
    static var rows: Int { get }
    /// The scalars packed A stores per element: `Vector.scalarCount` when pre-broadcast, 1 when
    /// the kernel broadcasts.
    static var aLanes: Int { get }
    /// Whether a panel of A stays in L1 while panels of B stream past it (the broadcast operand
    /// stays, as in BLIS), rather than the reverse.
    static var streamsB: Bool { get }
    /// The `rows × 2·Vector.scalarCount` tile of C at `c` (row stride `ldc`) from `kc` steps of
    /// the panels `a` and `b`; added to C's contents when `accumulate`, stored otherwise.
    static func multiply(kc: Int, a: UnsafePointer<Vector.Scalar>, b: UnsafePointer<Vector.Scalar>,
                         c: UnsafeMutablePointer<Vector.Scalar>, ldc: Int, accumulate: Bool)
}

extension MicroTile {
    /// The vectors of B at step `kk` of a packed panel.
    @inline(__always)
    static func loadB(_ b: UnsafeRawPointer, _ kk: Int) -> (Vector, Vector) {
        let size = Vector.scalarCount * MemoryLayout<Vector.Scalar>.stride
        return (b.loadUnaligned(fromByteOffset: 2 * kk * size, as: Vector.self),
                b.loadUnaligned(fromByteOffset: (2 * kk + 1) * size, as: Vector.self))
    }
}
