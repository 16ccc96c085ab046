/// Vectorised sums and dot products with a fixed accumulation order.
///
/// Plain `for` loops over floating-point sums do not vectorise (the order is strict);
/// eight independent lanes do, and keep the order fixed for reproducible results.
/// Products are accumulated with `multiplyAdd` (fused on arm64).
@usableFromInline package enum Reductions {
    #if FUSED_MULTIPLY_ADD && arch(x86_64)
    /// The vector of the loops whose result does not depend on how elements are grouped
    /// (elementwise updates, extrema, first index): 16 lanes, one AVX-512 register, in the
    /// `FusedMultiplyAdd` build; 8 elsewhere. Sums and dot products keep eight lanes, so
    /// their order, and their results, are the same in every build of one kind.
    @usableFromInline typealias Wide<Scalar: SIMDScalar> = SIMD16<Scalar>
    #else
    /// The vector of the loops whose result does not depend on how elements are grouped
    /// (elementwise updates, extrema, first index): 8 lanes here, 16 in the
    /// `FusedMultiplyAdd` build. Sums and dot products keep eight lanes in every build.
    @usableFromInline typealias Wide<Scalar: SIMDScalar> = SIMD8<Scalar>
    #endif

    /// max(floor, p[0], …, p[n − 1]), ignoring NaN.
    ///
    /// `Float` takes a concrete path: lane comparisons of a generic `SIMD8<Scalar>` are
    /// built lane by lane even when specialised (measured ~20× slower).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func maximum<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int, atLeast floor: Scalar) -> Scalar {
        extremum(p, n, from: floor, greatest: true)
    }

    /// min(ceiling, p[0], …, p[n − 1]), ignoring NaN: one comparison a lane, where `bounds`
    /// takes two.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func minimum<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int, atMost ceiling: Scalar) -> Scalar {
        extremum(p, n, from: ceiling, greatest: false)
    }

    /// The greatest (or least) of `start` and p[0], …, p[n − 1], ignoring NaN.
    @inlinable @inline(__always)
    static func extremum<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int, from start: Scalar, greatest: Bool) -> Scalar {
        guard Scalar.self == Float.self else {
            var result = start
            for i in 0..<n where greatest ? p[i] > result : p[i] < result { result = p[i] }
            return result
        }
        return p.withMemoryRebound(to: Float.self, capacity: n) {
            Scalar(greatest ? maximum($0, n, atLeast: Float(start)) : minimum($0, n, atMost: Float(start)))
        }
    }

    /// `maximum` for `Float`, a vector of lanes at a time.
    @usableFromInline
    static func maximum(_ p: UnsafePointer<Float>, _ n: Int, atLeast floor: Float) -> Float {
        extremum(p, n, from: floor, greatest: true)
    }

    /// `minimum` for `Float`, a vector of lanes at a time.
    @usableFromInline
    static func minimum(_ p: UnsafePointer<Float>, _ n: Int, atMost ceiling: Float) -> Float {
        extremum(p, n, from: ceiling, greatest: false)
    }

    /// `extremum` for `Float`, a vector of lanes at a time; inlined into `maximum` and
    /// `minimum`, so that `greatest` is a constant there and no loop tests it.
    @inline(__always)
    static func extremum(_ p: UnsafePointer<Float>, _ n: Int, from start: Float, greatest: Bool) -> Float {
        let raw = UnsafeRawPointer(p), w = Wide<Float>.scalarCount
        @inline(__always) func beyond(_ x: Wide<Float>, _ y: Wide<Float>) -> SIMDMask<Wide<Float>.MaskStorage> {
            greatest ? x .> y : y .> x
        }
        // Two independent chains of compare-and-select (a single chain waits on each select).
        var top = Wide<Float>(repeating: start), top1 = top, i = 0
        while i + 2 * w <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Wide<Float>.self)
            let x1 = raw.loadUnaligned(fromByteOffset: (i + w) * 4, as: Wide<Float>.self)
            top.replace(with: x, where: beyond(x, top))
            top1.replace(with: x1, where: beyond(x1, top1))
            i += 2 * w
        }
        top.replace(with: top1, where: beyond(top1, top))
        while i + w <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Wide<Float>.self)
            top.replace(with: x, where: beyond(x, top))
            i += w
        }
        var result = extremeLane(top, greatest: greatest)
        while i < n {
            if greatest ? p[i] > result : p[i] < result { result = p[i] }
            i += 1
        }
        return result
    }

    /// The index of the first NaN or infinite entry of p[0], …, p[n − 1], or nil when all are
    /// finite. `Float` is scanned eight lanes at a time (x·0 is NaN exactly for the non-finite).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func firstNonFinite<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int) -> Int? {
        if Scalar.self == Float.self {
            // One branch-free pass (finite input is the rule), four independent accumulators.
            let raw = UnsafeRawPointer(p)
            var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>(), i = 0
            while i + 32 <= n {
                a += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) * 0
                b += raw.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self) * 0
                c += raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD8<Float>.self) * 0
                d += raw.loadUnaligned(fromByteOffset: i * 4 + 96, as: SIMD8<Float>.self) * 0
                i += 32
            }
            var tail: Float = 0
            for j in i..<n { tail += p[j].isFinite ? 0 : .nan }
            if ((a + b) + (c + d)).sum() + tail == 0 { return nil }
        }
        for i in 0..<n where !p[i].isFinite { return i }
        return nil
    }

    /// (min, max) of p[0], …, p[n − 1], skipping NaN entries; (+∞, −∞) when none is left.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func bounds<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int) -> (lower: Scalar, upper: Scalar) {
        guard Scalar.self == Float.self else {
            var lower = Scalar.infinity, upper = -Scalar.infinity
            for i in 0..<n {
                if p[i] < lower { lower = p[i] }
                if p[i] > upper { upper = p[i] }
            }
            return (lower, upper)
        }
        return p.withMemoryRebound(to: Float.self, capacity: n) {
            let (lower, upper) = bounds($0, n)
            return (Scalar(lower), Scalar(upper))
        }
    }

    /// (min, max) for `Float`, a vector of lanes at a time, skipping NaN entries.
    @usableFromInline
    static func bounds(_ p: UnsafePointer<Float>, _ n: Int) -> (lower: Float, upper: Float) {
        let raw = UnsafeRawPointer(p), w = Wide<Float>.scalarCount
        var low = Wide<Float>(repeating: .infinity), high = Wide<Float>(repeating: -.infinity), i = 0
        // Two vectors a step, four independent chains of compare-and-select.
        var low1 = low, high1 = high
        while i + 2 * w <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Wide<Float>.self)
            let x1 = raw.loadUnaligned(fromByteOffset: (i + w) * 4, as: Wide<Float>.self)
            low.replace(with: x, where: x .< low)
            high.replace(with: x, where: x .> high)
            low1.replace(with: x1, where: x1 .< low1)
            high1.replace(with: x1, where: x1 .> high1)
            i += 2 * w
        }
        low.replace(with: low1, where: low1 .< low)
        high.replace(with: high1, where: high1 .> high)
        while i + w <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Wide<Float>.self)
            low.replace(with: x, where: x .< low)
            high.replace(with: x, where: x .> high)
            i += w
        }
        var lower = extremeLane(low, greatest: false), upper = extremeLane(high, greatest: true)
        while i < n {
            if p[i] < lower { lower = p[i] }
            if p[i] > upper { upper = p[i] }
            i += 1
        }
        return (lower, upper)
    }

    /// y[i] += α·x[i] for i in 0..<n.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    package static func addScaled<Scalar: TensorScalar>(_ y: UnsafeMutablePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ alpha: Scalar, _ n: Int) {
        let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + Wide<Scalar>.scalarCount <= n {
            let xs = rx.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
            let ys = ry.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
            ry.storeBytes(of: multiplyAdd(xs, alpha, ys), toByteOffset: i * stride, as: Wide<Scalar>.self)
            i += Wide<Scalar>.scalarCount
        }
        while i < n { y[i] = multiplyAdd(x[i], alpha, y[i]); i += 1 }
    }

    /// y[i] += α·((a[i] − b[i])·s) for i in 0..<n: the difference first, so a large α or s
    /// never meets a large a[i] or b[i] alone (no cancellation between α·a and α·b).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    static func addScaledDifference<Scalar: TensorScalar>(
        _ y: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>,
        _ alpha: Scalar, _ n: Int, scale s: Scalar = 1
    ) {
        let ry = UnsafeMutableRawPointer(y), ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        let stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + Wide<Scalar>.scalarCount <= n {
            let difference = ra.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
                - rb.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
            let sum = multiplyAdd(difference * s, alpha, ry.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self))
            ry.storeBytes(of: sum, toByteOffset: i * stride, as: Wide<Scalar>.self)
            i += Wide<Scalar>.scalarCount
        }
        while i < n { y[i] = multiplyAdd((a[i] - b[i]) * s, alpha, y[i]); i += 1 }
    }

    /// y[i] += Σₖ αₖ·(a[i] − bₖ[i]) for i in 0..<n, term by term in the order of k: bitwise
    /// `addScaledDifference(y, a, bₖ, αₖ, n)` for each k in turn, but four vectors of y stay
    /// in registers across every k instead of being loaded and stored for each.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable
    static func addScaledDifferences<Scalar: TensorScalar>(
        _ y: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>,
        _ others: UnsafeBufferPointer<UnsafePointer<Scalar>>, _ alphas: UnsafeBufferPointer<Scalar>, _ n: Int
    ) {
        typealias V = Wide<Scalar>
        let ry = UnsafeMutableRawPointer(y), ra = UnsafeRawPointer(a)
        let (stride, w) = (MemoryLayout<Scalar>.stride, V.scalarCount)
        @inline(__always) func load(_ p: UnsafeRawPointer, _ i: Int) -> V { p.loadUnaligned(fromByteOffset: i * stride, as: V.self) }
        var i = 0
        // Four vectors of y at a time: four independent chains of multiply-adds across the k.
        while i + 4 * w <= n {
            var (y0, y1, y2, y3) = (load(ry, i), load(ry, i + w), load(ry, i + 2 * w), load(ry, i + 3 * w))
            for k in others.indices {
                let rb = UnsafeRawPointer(others[k]), alpha = alphas[k]
                y0 = multiplyAdd(load(ra, i) - load(rb, i), alpha, y0)
                y1 = multiplyAdd(load(ra, i + w) - load(rb, i + w), alpha, y1)
                y2 = multiplyAdd(load(ra, i + 2 * w) - load(rb, i + 2 * w), alpha, y2)
                y3 = multiplyAdd(load(ra, i + 3 * w) - load(rb, i + 3 * w), alpha, y3)
            }
            ry.storeBytes(of: y0, toByteOffset: i * stride, as: V.self)
            ry.storeBytes(of: y1, toByteOffset: (i + w) * stride, as: V.self)
            ry.storeBytes(of: y2, toByteOffset: (i + 2 * w) * stride, as: V.self)
            ry.storeBytes(of: y3, toByteOffset: (i + 3 * w) * stride, as: V.self)
            i += 4 * w
        }
        while i + w <= n {
            var y0 = load(ry, i)
            for k in others.indices { y0 = multiplyAdd(load(ra, i) - load(UnsafeRawPointer(others[k]), i), alphas[k], y0) }
            ry.storeBytes(of: y0, toByteOffset: i * stride, as: V.self)
            i += w
        }
        while i < n {
            var sum = y[i]
            for k in others.indices { sum = multiplyAdd(a[i] - others[k][i], alphas[k], sum) }
            y[i] = sum
            i += 1
        }
    }

    /// y[i] *= x[i] for i in 0..<n.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    package static func multiply<Scalar: TensorScalar>(_ y: UnsafeMutablePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ n: Int) {
        let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + Wide<Scalar>.scalarCount <= n {
            let product = ry.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
                * rx.loadUnaligned(fromByteOffset: i * stride, as: Wide<Scalar>.self)
            ry.storeBytes(of: product, toByteOffset: i * stride, as: Wide<Scalar>.self)
            i += Wide<Scalar>.scalarCount
        }
        while i < n { y[i] *= x[i]; i += 1 }
    }

    /// The first i in 0..<n with p[i] < bound, or nil.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func firstIndex<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int, below bound: Scalar) -> Int? {
        guard Scalar.self == Float.self else { return (0..<n).first { p[$0] < bound } }
        return p.withMemoryRebound(to: Float.self, capacity: n) { firstIndex($0, n, below: Float(bound)) }
    }

    /// `firstIndex(_:_:below:)` for `Float`: a vector of lanes is tested at a time.
    @usableFromInline
    static func firstIndex(_ p: UnsafePointer<Float>, _ n: Int, below bound: Float) -> Int? {
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + Wide<Float>.scalarCount <= n {
            let x = raw.loadUnaligned(fromByteOffset: i * 4, as: Wide<Float>.self)
            if any(x .< bound) { break }
            i += Wide<Float>.scalarCount
        }
        while i < n {
            if p[i] < bound { return i }
            i += 1
        }
        return nil
    }

    /// Σ p[i] for i in 0..<n.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable @inline(__always)
    package static func sum<Scalar: TensorScalar>(_ p: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
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
    package static func dot<Scalar: TensorScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var acc = SIMD8<Scalar>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), stride = MemoryLayout<Scalar>.stride
        var i = 0
        while i + 8 <= n {
            let x = ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            let y = rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Scalar>.self)
            acc = multiplyAdd(x, y, acc)
            i += 8
        }
        var s = acc.sum()
        while i < n { s = multiplyAdd(a[i], b[i], s); i += 1 }
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
            acc = multiplyAdd(diff, diff, acc)
            i += 8
        }
        var s = acc.sum()
        while i < n { let diff = a[i] - b[i]; s = multiplyAdd(diff, diff, s); i += 1 }
        return s
    }

    /// `dot` of row i of a with row i of b, for the `rows` rows (of `width` scalars) of two
    /// matrices of the same shape: four rows at a time (`pairSums`), the same values.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline
    package static func rowDots<Scalar: TensorScalar>(_ a: [Scalar], _ b: [Scalar], rows: Int, width: Int) -> [Scalar] {
        var out = [Scalar](repeating: 0, count: rows)
        a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
                out.withUnsafeMutableBufferPointer { ob in
                    guard width > 0, let x = ab.baseAddress, let y = bb.baseAddress, let o = ob.baseAddress else { return }
                    rowDots(x, y, rows: 0..<rows, width: width, into: o)
                }
            }
        }
        return out
    }

    /// `rowDots` of the rows `rows` of x and y (`width` > 0 scalars each), written to
    /// `out[i]` for i in `rows`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline
    package static func rowDots<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, rows: Range<Int>, width: Int,
                                                     into out: UnsafeMutablePointer<Scalar>) {
        var i = rows.lowerBound
        while i + 4 <= rows.upperBound {
            let s = pairSums((x + i * width, x + (i + 1) * width, x + (i + 2) * width, x + (i + 3) * width),
                             (y + i * width, y + (i + 1) * width, y + (i + 2) * width, y + (i + 3) * width),
                             width, differences: false)
            (out[i], out[i + 1], out[i + 2], out[i + 3]) = (s.0, s.1, s.2, s.3)
            i += 4
        }
        while i < rows.upperBound { out[i] = dot(x + i * width, y + i * width, width); i += 1 }
    }

    /// Four pairs at once: Σ (aₖ[i] − bₖ[i])² with `differences`, else Σ aₖ[i]·bₖ[i], for
    /// k = 0…3. Each pair is summed in exactly the order of `squaredDistance` (or `dot`), so the
    /// values are the same; the four chains of multiply-adds are independent, where one pair
    /// alone waits on its chain's latency.
    @inlinable @inline(__always)
    static func pairSums<Scalar: TensorScalar>(
        _ a: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>),
        _ b: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>),
        _ n: Int, differences: Bool
    ) -> (Scalar, Scalar, Scalar, Scalar) {
        typealias V = SIMD8<Scalar>
        // Byte offsets and one loop per kind: the loop holds eight pointers and four sums in
        // registers, with no test of the kind and no overflow check on an index inside it.
        let (x0, x1, x2, x3) = (UnsafeRawPointer(a.0), UnsafeRawPointer(a.1), UnsafeRawPointer(a.2), UnsafeRawPointer(a.3))
        let (y0, y1, y2, y3) = (UnsafeRawPointer(b.0), UnsafeRawPointer(b.1), UnsafeRawPointer(b.2), UnsafeRawPointer(b.3))
        let i = n - n % 8, end = i * MemoryLayout<Scalar>.stride
        var (acc0, acc1, acc2, acc3) = (V(), V(), V(), V())
        var offset = 0
        if differences {
            while offset < end {
                let d0 = x0.loadUnaligned(fromByteOffset: offset, as: V.self) - y0.loadUnaligned(fromByteOffset: offset, as: V.self)
                let d1 = x1.loadUnaligned(fromByteOffset: offset, as: V.self) - y1.loadUnaligned(fromByteOffset: offset, as: V.self)
                let d2 = x2.loadUnaligned(fromByteOffset: offset, as: V.self) - y2.loadUnaligned(fromByteOffset: offset, as: V.self)
                let d3 = x3.loadUnaligned(fromByteOffset: offset, as: V.self) - y3.loadUnaligned(fromByteOffset: offset, as: V.self)
                (acc0, acc1, acc2, acc3) = (multiplyAdd(d0, d0, acc0), multiplyAdd(d1, d1, acc1), multiplyAdd(d2, d2, acc2), multiplyAdd(d3, d3, acc3))
                offset &+= MemoryLayout<V>.stride
            }
        } else {
            while offset < end {
                acc0 = multiplyAdd(x0.loadUnaligned(fromByteOffset: offset, as: V.self), y0.loadUnaligned(fromByteOffset: offset, as: V.self), acc0)
                acc1 = multiplyAdd(x1.loadUnaligned(fromByteOffset: offset, as: V.self), y1.loadUnaligned(fromByteOffset: offset, as: V.self), acc1)
                acc2 = multiplyAdd(x2.loadUnaligned(fromByteOffset: offset, as: V.self), y2.loadUnaligned(fromByteOffset: offset, as: V.self), acc2)
                acc3 = multiplyAdd(x3.loadUnaligned(fromByteOffset: offset, as: V.self), y3.loadUnaligned(fromByteOffset: offset, as: V.self), acc3)
                offset &+= MemoryLayout<V>.stride
            }
        }
        @inline(__always) func finished(_ acc: V, _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>) -> Scalar {
            var s = acc.sum()
            for j in i..<n {
                if differences { let diff = x[j] - y[j]; s = multiplyAdd(diff, diff, s) } else { s = multiplyAdd(x[j], y[j], s) }
            }
            return s
        }
        return (finished(acc0, a.0, b.0), finished(acc1, a.1, b.1), finished(acc2, a.2, b.2), finished(acc3, a.3, b.3))
    }
}
