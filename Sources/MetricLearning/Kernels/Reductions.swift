/// Vectorised sums and dot products with a fixed accumulation order.
///
/// Plain `for` loops over floating-point sums do not vectorise (the order is strict);
/// eight independent lanes do, and keep the order fixed for reproducible results.
@usableFromInline enum Reductions {
    /// Σ p[i] for i in 0..<n.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    static func sum<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var acc = SIMD8<Scalar>()
        let raw = UnsafeRawPointer(p), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + 8 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// Σ a[i]·b[i] for i in 0..<n.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    static func dot<Scalar: TensorScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var acc = SIMD8<Scalar>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + 8 <= n {
            acc += ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
                * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// Σ (a[i] − b[i])² for i in 0..<n.
    @inlinable @inline(__always)
    static func squaredDistance<Scalar: TensorScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var acc = SIMD8<Scalar>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + 8 <= n {
            let diff = ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
                - rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            acc += diff * diff
            i += 8
        }
        var s = acc.sum()
        while i < n { let diff = a[i] - b[i]; s += diff * diff; i += 1 }
        return s
    }
}
