extension Variable {
    /// For each t, xᵣ·x_c with r = rows[t], c = columns[t], over the rows of a matrix.
    ///
    /// The sparse counterpart of `pairwiseDotProducts(x, x)` followed by a gather: O(T·D)
    /// instead of O(N²·D). Pullback: ∂xᵣ += gₜ x_c, ∂x_c += gₜ xᵣ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairDotProducts(rows: [Int], columns: [Int]) -> Variable {
        pairValues(rows: rows, columns: columns, squaredDistance: false)
    }

    /// For each t, ‖xᵣ − x_c‖² with r = rows[t], c = columns[t], over the rows of a matrix.
    ///
    /// The sparse counterpart of `pairwiseSquaredDistances(x, x)` followed by a gather.
    /// Pullback: ∂xᵣ += 2gₜ(xᵣ − x_c), ∂x_c −= 2gₜ(xᵣ − x_c).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairSquaredDistances(rows: [Int], columns: [Int]) -> Variable {
        pairValues(rows: rows, columns: columns, squaredDistance: true)
    }

    func pairValues(rows: [Int], columns: [Int], squaredDistance: Bool) -> Variable {
        let x = value
        return Variable.record([self]) {
            let (r, d) = try x.matrixExtents(squaredDistance ? "pairSquaredDistances" : "pairDotProducts")
            guard rows.count == columns.count else {
                throw MetricLearningError(.shapeMismatch, "pair values: \(rows.count) rows but \(columns.count) columns")
            }
            if let bad = (rows + columns).first(where: { $0 < 0 || $0 >= r }) {
                throw MetricLearningError(.shapeMismatch, "pair values: row \(bad) is outside 0..<\(r)")
            }
            var out = [Scalar](repeating: 0, count: rows.count)
            x.storage.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                for t in 0..<rows.count {
                    let a = base + rows[t] * d, b = base + columns[t] * d
                    if squaredDistance {
                        var sum: Scalar = 0
                        for k in 0..<d { let diff = a[k] - b[k]; sum += diff * diff }
                        out[t] = sum
                    } else {
                        out[t] = Reductions.dot(a, b, d)
                    }
                }
            }
            return (Tensor(uncheckedShape: [rows.count], scalars: out), { g in
                var grad = [Scalar](repeating: 0, count: r * d)
                x.storage.withUnsafeBufferPointer { p in
                    grad.withUnsafeMutableBufferPointer { gp in
                        for t in 0..<rows.count where g.storage[t] != 0 {
                            let (ra, rb) = (rows[t] * d, columns[t] * d)
                            let w = g.storage[t]
                            for k in 0..<d {
                                if squaredDistance {
                                    let diff = 2 * w * (p[ra + k] - p[rb + k])
                                    gp[ra + k] += diff
                                    gp[rb + k] -= diff
                                } else {
                                    gp[ra + k] += w * p[rb + k]
                                    gp[rb + k] += w * p[ra + k]
                                }
                            }
                        }
                    }
                }
                return [Tensor(uncheckedShape: x.shape, scalars: grad)]
            })
        }
    }
}
