import TensorCore

/// E[r,n] = exp(s·X[r,n]·νₙ − μ_r), with μ_r the largest exponent of row r over the columns
/// labelled differently from it, and E[r,n] = 0 at the columns labelled like row r: the
/// per-row factors of the angular loss's exponentials (ν = 1 unless column scales are given).
@usableFromInline struct ScaledExponentials<Scalar: TensorScalar>: Sendable {
    @usableFromInline let rows: Int, columns: Int
    /// The [rows, columns] entries E, row-major.
    @usableFromInline let values: [Scalar]
    /// μ_r per row (0 for rows not computed or without negatives).
    @usableFromInline let shifts: [Scalar]

    /// The widest span of a row's exponents that keeps a product of two entries, and the
    /// factors that undo it, well inside the normal range.
    @usableFromInline static var safeSpan: Scalar { -Scalar.log(Scalar.leastNormalMagnitude) * Scalar(0.4) }

    /// Computes the rows listed in `used` (others stay 0); nil if one spans more than `safeSpan`.
    @usableFromInline
    init?(_ x: Tensor<Scalar>, scale: Scalar, columnScales: [Scalar]?, rowLabels: [Int], columnLabels: [Int], used: [Int]) {
        let (n, m) = (x.shape[0], x.shape[1])
        var needed = [Bool](repeating: false, count: n)
        for r in used { needed[r] = true }
        let excluded = SameLabelColumns(labels: rowLabels, referenceLabels: columnLabels)
        var shifts = [Scalar](repeating: 0, count: n)
        var fits = true
        // Rows are first written by the thread that computes them (page faults split too).
        let values = [Scalar](uninitializedCount: n * m) { vb in
            x.storage.withUnsafeBufferPointer { xb in
                shifts.withUnsafeMutableBufferPointer { sb in
                    nonisolated(unsafe) let (xp, vp, sp) = (xb.baseAddress!, vb.baseAddress!, sb.baseAddress!)
                    fits = parallelRanges(n, work: n * m * 24) { range in
                        var fits = true
                        for r in range {
                            let row = vp + r * m, source = xp + r * m
                            guard needed[r], fits else {
                                row.initialize(repeating: 0, count: m)
                                continue
                            }
                            if let columnScales {
                                for j in 0..<m { (row + j).initialize(to: scale * (source[j] * columnScales[j])) }
                            } else {
                                for j in 0..<m { (row + j).initialize(to: scale * source[j]) }
                            }
                            let same = excluded.columns(of: r)
                            for j in same { row[j] = .nan }
                            let (lower, upper) = Reductions.bounds(row, m)
                            if upper < lower {
                                row.update(repeating: 0, count: m)
                            } else if upper - lower > Self.safeSpan {
                                fits = false
                            } else {
                                sp[r] = upper
                                _ = VectorExponential.applySummed(row, count: m, subtracting: upper)
                                for j in same { row[j] = 0 }
                            }
                        }
                        return fits
                    }.allSatisfy { $0 }
                }
            }
        }
        guard fits else { return nil }
        (self.rows, self.columns, self.values, self.shifts) = (n, m, values, shifts)
    }

    /// E[r] · other.E[q].
    @usableFromInline func dot(_ r: Int, _ other: ScaledExponentials, _ q: Int) -> Scalar {
        values.withUnsafeBufferPointer { mine in
            other.values.withUnsafeBufferPointer { theirs in
                Reductions.dot(mine.baseAddress! + r * columns, theirs.baseAddress! + q * columns, columns)
            }
        }
    }

    /// The [rows, M] entries whose row r is E[r] ⊙ (the sums' rows r added in order).
    @usableFromInline func weightedRows(_ sums: [WeightedRowSum<Scalar>]) -> [Scalar] {
        let m = columns
        let pairWork = sums.reduce(0) { $0 + $1.others.count }
        return [Scalar](uninitializedCount: rows * m) { ob in
            nonisolated(unsafe) let op = ob.baseAddress!
            _ = parallelRanges(rows, work: (pairWork + rows) * m * 2) { range in
                for r in range {
                    let row = op + r * m
                    row.initialize(repeating: 0, count: m)
                    if accumulate(row, r, sums) { values.withUnsafeBufferPointer { Reductions.multiply(row, $0.baseAddress! + r * m, m) } }
                }
            }
        }
    }

    /// For a product matrix X·diag(ν) whose entries `products` holds: replaces `products` by
    /// the gradient with respect to X — row r is (E[r] ⊙ Σ sums[r]) ⊙ ν — and returns the
    /// gradient with respect to ν, Σᵣ (E[r] ⊙ Σ sums[r]) ⊙ products[r], summed over fixed
    /// row ranges in order. Each row is read before it is replaced, while in cache.
    @usableFromInline func replacingWithGradient(_ products: inout [Scalar], sums: [WeightedRowSum<Scalar>], columnScales: [Scalar]) -> [Scalar] {
        let m = columns
        let pairWork = sums.reduce(0) { $0 + $1.others.count }
        let partials = products.withUnsafeMutableBufferPointer { pb in
            values.withUnsafeBufferPointer { eb in
                nonisolated(unsafe) let (pp, ep) = (pb.baseAddress!, eb.baseAddress!)
                return parallelRanges(rows, work: (pairWork + rows) * m * 2) { range -> [Scalar] in
                    var partial = [Scalar](repeating: 0, count: m)
                    let sum = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                    defer { sum.deallocate() }
                    for r in range {
                        let row = pp + r * m, e = ep + r * m
                        sum.update(repeating: 0, count: m)
                        guard accumulate(sum, r, sums) else {
                            row.update(repeating: 0, count: m)
                            continue
                        }
                        for j in 0..<m {
                            let g = sum[j] * e[j]
                            partial[j] += g * row[j]
                            row[j] = g * columnScales[j]
                        }
                    }
                    return partial
                }
            }
        }
        var total = [Scalar](repeating: 0, count: m)
        for partial in partials {
            for j in 0..<m { total[j] += partial[j] }
        }
        return total
    }

    /// Adds the sums' rows r to `row`, in order; false if no pair touched it.
    private func accumulate(_ row: UnsafeMutablePointer<Scalar>, _ r: Int, _ sums: [WeightedRowSum<Scalar>]) -> Bool {
        var touched = false
        for sum in sums {
            sum.source.values.withUnsafeBufferPointer { sb in
                for t in sum.groups.pairs(of: r) where sum.coefficients[t] != 0 {
                    Reductions.addScaled(row, sb.baseAddress! + sum.others[t] * columns, sum.coefficients[t], columns)
                    touched = true
                }
            }
        }
        return touched
    }
}
