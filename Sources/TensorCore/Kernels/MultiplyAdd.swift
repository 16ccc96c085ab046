/// a·b + c: one rounding (a fused multiply-add) where that is a single instruction, two elsewhere.
///
/// On arm64 FMA is baseline, and `addingProduct` is one `fmla`/`fmadd`. In a default x86-64
/// build (SSE2, no FMA) it is a libm call, about 50× slower, so there the kernels keep the
/// separately rounded `a * b + c` and their results stay bitwise what they were. The package
/// trait `FusedMultiplyAdd` (which defines `FUSED_MULTIPLY_ADD`) fuses on x86-64 too; it is
/// meant for a build whose target CPU has FMA (`-Xswiftc -target-cpu -Xswiftc native`, or
/// `haswell`), and `KernelBuild.fusedMultiplyAddIsSlow` tells when it does not. Swift never
/// contracts `a * b + c` by itself, so this file is the one place that chooses. The kernels'
/// accumulation order is the same on every platform; only the rounding of each step differs.
/// The SIMD forms work lane by lane (one `fmla` per register on arm64).
#if arch(arm64) || FUSED_MULTIPLY_ADD
@inlinable @inline(__always) package func multiplyAdd<T: FloatingPoint>(_ a: T, _ b: T, _ c: T) -> T { c.addingProduct(a, b) }
@inlinable @inline(__always) package func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint { c.addingProduct(a, b) }
#else
@inlinable @inline(__always) package func multiplyAdd<T: FloatingPoint>(_ a: T, _ b: T, _ c: T) -> T { a * b + c }
@inlinable @inline(__always) package func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint { a * b + c }
#endif

/// a·b + c with a scalar b (y += α·x): fused as the forms above (one `fmla` by element on arm64).
@inlinable @inline(__always)
package func multiplyAdd<V: SIMD>(_ a: V, _ b: V.Scalar, _ c: V) -> V where V.Scalar: FloatingPoint {
    multiplyAdd(a, V(repeating: b), c)
}
