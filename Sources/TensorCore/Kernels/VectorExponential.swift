/// eˣ over a buffer, eight lanes at a time.
///
/// `Float` uses Cephes' `expf` scheme: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6
/// polynomial for eʳ, and 2ⁿ assembled in the exponent bits (relative error about
/// 2e-7, like libm's). `Double` calls the C library per element, so `Double` results
/// stay as exact as the reference tests require.
@usableFromInline package enum VectorExponential {
    /// Replaces each of `count` values at `p` by its exponential.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func apply<Scalar: TensorScalar>(_ p: UnsafeMutablePointer<Scalar>, count: Int) {
        guard Scalar.self == Float.self else {
            for i in 0..<count { p[i] = Scalar.exp(p[i]) }
            return
        }
        p.withMemoryRebound(to: Float.self, capacity: count) { f in
            var i = 0
            let raw = UnsafeMutableRawPointer(f)
            while i + 8 <= count {
                let x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                raw.storeBytes(of: exp8(x), toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            while i < count {
                f[i] = exp8(SIMD8(repeating: f[i]))[0]
                i += 1
            }
        }
    }

    /// Replaces each of `count` values x at `p` by e^(x − shift) and returns their sum,
    /// accumulated in eight lanes in a fixed order.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func applySummed<Scalar: TensorScalar>(_ p: UnsafeMutablePointer<Scalar>, count: Int, subtracting shift: Scalar) -> Scalar {
        guard Scalar.self == Float.self else {
            var total: Scalar = 0
            for i in 0..<count {
                p[i] = Scalar.exp(p[i] - shift)
                total += p[i]
            }
            return total
        }
        return p.withMemoryRebound(to: Float.self, capacity: count) { Scalar(applySummed($0, count: count, subtracting: Float(shift))) }
    }

    /// `applySummed` for `Float`: a concrete function, so that `exp8` is inlined into its loop.
    @usableFromInline
    static func applySummed(_ f: UnsafeMutablePointer<Float>, count: Int, subtracting offset: Float) -> Float {
        let raw = UnsafeMutableRawPointer(f)
        var sum = SIMD8<Float>(), i = 0
        // One call site of `exp8` (with two, it is not inlined): the tail goes through a padded vector.
        while i < count {
            let full = i + 8 <= count
            var x = SIMD8<Float>(repeating: -.infinity)
            if full {
                x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            } else {
                for k in 0..<(count - i) { x[k] = f[i + k] }
            }
            let y = exp8(x - offset)
            if full {
                raw.storeBytes(of: y, toByteOffset: i * 4, as: SIMD8<Float>.self)
            } else {
                for k in 0..<(count - i) { f[i + k] = y[k] }
            }
            sum += y
            i += 8
        }
        return sum.sum()
    }

    /// eˣ for eight floats; +∞ above 88.72, 0 below −103.97, NaN stays NaN.
    ///
    /// The clamps do the edge cases without a final select: at 89, 2ⁿ·y overflows to +∞; at
    /// −104, it rounds to 0; a NaN passes the clamps (a failed comparison keeps it) and
    /// stays NaN through the arithmetic.
    @inline(__always)
    static func exp8(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let high = SIMD8<Float>(repeating: 89)
        let low = SIMD8<Float>(repeating: -104)
        var x = input
        x.replace(with: high, where: x .> high)
        x.replace(with: low, where: x .< low)
        // Round to nearest even by adding and removing 1.5·2²³ (|x·log₂e| < 2²²): baseline
        // x86-64 has no vector rounding instruction, and `rounded` becomes eight libm calls.
        let shifted = multiplyAdd(x, 1.44269504088896341, SIMD8(repeating: 12582912))
        let n = shifted - 12582912
        // r = x − n·ln2, ln2 split in two (n·0.693359375 is exact).
        var r = multiplyAdd(n, -0.693359375, x)
        r = multiplyAdd(n, 2.12194440e-4, r)
        // Horner steps y·r + c, each one fused multiply-add on arm64.
        var y = SIMD8<Float>(repeating: 1.9875691500e-4)
        y = multiplyAdd(y, r, SIMD8(repeating: 1.3981999507e-3))
        y = multiplyAdd(y, r, SIMD8(repeating: 8.3334519073e-3))
        y = multiplyAdd(y, r, SIMD8(repeating: 4.1665795894e-2))
        y = multiplyAdd(y, r, SIMD8(repeating: 1.6666665459e-1))
        y = multiplyAdd(y, r, SIMD8(repeating: 5.0000001201e-1))
        y = multiplyAdd(y, r * r, r) + 1
        // 2ⁿ in two halves so that n down to −150 still lands in the subnormals.
        // n sits in the low mantissa bits of `shifted`.
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let half = ni &>> 1
        let first = unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: (half &+ 127) &<< 23), to: SIMD8<Float>.self)
        let second = unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: (ni &- half &+ 127) &<< 23), to: SIMD8<Float>.self)
        return y * first * second
    }
}
