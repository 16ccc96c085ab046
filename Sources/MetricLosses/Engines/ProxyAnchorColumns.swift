import TensorCore

/// The column kernel of `ProxyAnchorLoss` over the `[N, C]` matrix of a batch against its
/// proxies: two terms per proxy (column) c, first the C positive terms, then the C negative.
///
/// With κ = α for a similarity and −α for a distance, sample i's entry v in column c has the
/// exponent a = κ(m − v) when yᵢ = c (a positive) and a = κ(v + m) otherwise, and
///
///     pos_c = ln(1 + Σ_{i: yᵢ = c} e^a),   neg_c = ln(1 + Σ_{i: yᵢ ≠ c} e^a)
///
/// (0 for a proxy without samples of its kind, as PML's masked log-sum-exp). Each entry
/// belongs to exactly one term, whose derivative is ∓κ·e^(a − term): the forward pass
/// leaves it in the buffer, and the pullback scales it by that term's upstream.
///
/// Three passes over whole rows (the shifts, the exponentials and their sums, the
/// derivatives), in row blocks of fixed extent whose column sums are added in block order,
/// so the result does not depend on the thread count; the target may be the source (each
/// row is read before it is written). Columns and sides share one layout:
/// entries 0..<C for the positive side, C..<2C for the negative, as the terms.
///
/// - Complexity: O(N·C) time, the one `[N, C]` buffer and O(C) more.
@usableFromInline struct ProxyAnchorColumns<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// Each row's proxy (class).
    @usableFromInline let labels: [Int]
    /// κ = ±α: the sign turns a distance into a closeness.
    @usableFromInline let scale: Scalar
    /// The margin m.
    @usableFromInline let margin: Scalar
    /// The number of proxies C.
    @usableFromInline let classes: Int

    @usableFromInline init(labels: [Int], scale: Scalar, margin: Scalar, classes: Int) {
        (self.labels, self.scale, self.margin, self.classes) = (labels, scale, margin, classes)
    }

    @usableFromInline var termCount: Int { 2 * classes }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        let (kappa, margin) = (scale, margin)
        let work = n * m * 16
        // Each side's largest exponent per column, at least 0 (the 1 in ln(1 + Σ)): the shifts.
        var shifts = [Scalar](repeating: 0, count: 2 * m)
        for part in parallelRanges(n, work: work, { rows in
            var top = [Scalar](repeating: 0, count: 2 * m)
            top.withUnsafeMutableBufferPointer { t in
                let (positive, negative) = (t.baseAddress!, t.baseAddress! + m)
                for i in rows {
                    let row = source + i * m, y = labels[i]
                    Self.forEach(m, except: y) { j in negative[j] = Swift.max(negative[j], kappa * (row[j] + margin)) }
                    positive[y] = Swift.max(positive[y], kappa * (margin - row[y]))
                }
            }
            return top
        }) {
            for j in 0..<(2 * m) { shifts[j] = Swift.max(shifts[j], part[j]) }
        }
        // The shifted exponentials, and their sums per column and side (per row block, added in block order).
        var sums = [Scalar](repeating: 0, count: 2 * m)
        shifts.withUnsafeBufferPointer { sb in
            nonisolated(unsafe) let (positiveShift, negativeShift) = (sb.baseAddress!, sb.baseAddress! + m)
            for part in parallelRanges(n, work: work, { rows in
                var partial = [Scalar](repeating: 0, count: 2 * m)
                partial.withUnsafeMutableBufferPointer { p in
                    let (positive, negative) = (p.baseAddress!, p.baseAddress! + m)
                    for i in rows {
                        let row = source + i * m, e = target + i * m, y = labels[i]
                        // Read before the row is overwritten (e may be row).
                        let own = kappa * (margin - row[y]) - positiveShift[y]
                        for j in 0..<m { e[j] = kappa * (row[j] + margin) - negativeShift[j] }
                        e[y] = own
                        VectorExponential.apply(e, count: m)
                        Self.forEach(m, except: y) { j in negative[j] += e[j] }
                        positive[y] += e[y]
                    }
                }
                return partial
            }) {
                for j in 0..<(2 * m) { sums[j] += part[j] }
            }
        }
        // Terms, and each side's factor of its exponentials in the derivative, ∓κ / (e^(−shift) + Σ).
        var (terms, factors) = ([Scalar](repeating: 0, count: 2 * m), [Scalar](repeating: 0, count: 2 * m))
        for j in 0..<(2 * m) {
            let total = Scalar.exp(-shifts[j]) + sums[j]
            (terms[j], factors[j]) = (shifts[j] + Scalar.log(total), (j < m ? -kappa : kappa) / total)
        }
        scale(target, by: factors, n: n, m: m)
        return (terms, ())
    }

    /// `body(j)` for j in `0..<m` except `skipped`, in two plain loops (no test inside).
    @inline(__always)
    static func forEach(_ m: Int, except skipped: Int, _ body: (Int) -> Void) {
        for j in 0..<skipped { body(j) }
        for j in (skipped + 1)..<m { body(j) }
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: Void, upstream: [Scalar], n: Int, m: Int) {
        scale(buffer, by: upstream, n: n, m: m)
    }

    /// Multiplies each entry of the `[n, m]` buffer by the factor of its term, in place:
    /// `factors[yᵢ]` for row i's own column, `factors[m + c]` for column c of the others.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scale(_ buffer: UnsafeMutablePointer<Scalar>, by factors: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        factors.withUnsafeBufferPointer { fb in
            nonisolated(unsafe) let (positive, negative) = (fb.baseAddress!, fb.baseAddress! + m)
            _ = parallelRanges(n, work: n * m) { rows in
                for i in rows {
                    let row = buffer + i * m, y = labels[i]
                    let own = row[y]
                    Reductions.multiply(row, negative, m)
                    row[y] = own * positive[y]
                }
            }
        }
    }
}
