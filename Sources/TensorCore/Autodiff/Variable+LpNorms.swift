/// Differentiable p-norm distances ‖x_i − y_j‖ₚ = (Σₖ |x_ik − y_jk|ᵖ)^(1/p): `[x.rows, y.rows]`,
/// as PyTorch's `cdist(x, y, p)`, for a finite p ≥ 1 (p = 2 is `pairwiseDistances`).
///
/// Pullback: ∂x_i = Σⱼ gᵢⱼ sign(x_i − y_j)·(|x_i − y_j|/dᵢⱼ)^(p−1) (elementwise; sign alone
/// for p = 1), ∂y_j the same with the signs flipped, and 0 where dᵢⱼ = 0, so duplicates and
/// the diagonal never give NaN. A p out of range is an `invalidParameter` error carried by
/// the result.
///
/// - Complexity: O(N·M·D), one `pow` per element and pass unless p is 1 or 2.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseLpDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, p: Scalar) -> Variable<Scalar> {
    if p == 2 { return pairwiseDistances(x, y) }
    let (xv, yv) = (x.value, y.value)
    let (needX, needY) = (x.isTracked, y.isTracked)
    return Variable.record([x, y]) {
        let kernel = try LpKernel(validating: p)
        let (n, d) = try xv.matrixExtents("pairwiseLpDistances")
        let (m, d2) = try yv.matrixExtents("pairwiseLpDistances")
        guard d == d2 else {
            throw MetricLearningError(.shapeMismatch, "pairwiseLpDistances: widths differ, \(xv.shape) and \(yv.shape)")
        }
        let work = n * m * d * kernel.cost
        let values = PairValues.filled(n * m, reading: xv, yv) { px, py, po in
            nonisolated(unsafe) let (x, y, o) = (px, py, po)
            _ = parallelRanges(n, work: work) { rows in
                for i in rows { for j in 0..<m { o[i * m + j] = kernel.distance(x + i * d, y + j * d, d) } }
            }
        }
        return (Tensor(uncheckedShape: [n, m], scalars: values), { g in
            let weights = g.storage
            // Row r of one side sums over the rows of the other in increasing order, one task per row.
            func side(_ own: Tensor<Scalar>, against other: Tensor<Scalar>, transposed: Bool) -> Tensor<Scalar> {
                let (count, partners) = transposed ? (m, n) : (n, m)
                let grad = PairValues.filled(own.count, reading: own, other) { po, pt, pg in
                    nonisolated(unsafe) let (own, other, out) = (po, pt, pg)
                    _ = parallelRanges(count, work: work) { range in
                        for r in range {
                            for s in 0..<partners {
                                let t = transposed ? s * m + r : r * m + s
                                kernel.addGradient(out + r * d, own + r * d, other + s * d, d, value: values[t], weight: weights[t])
                            }
                        }
                    }
                }
                return Tensor(uncheckedShape: own.shape, scalars: grad)
            }
            return [needX ? side(xv, against: yv, transposed: false) : nil, needY ? side(yv, against: xv, transposed: true) : nil]
        })
    }
}

/// For each t, ‖x_{rows[t]} − y_{columns[t]}‖ₚ: the sparse counterpart of
/// `pairwiseLpDistances(x, y, p:)` followed by a gather, O(T·D) (p = 2 is `pairDistances`).
///
/// Pullback as `pairwiseLpDistances`, 0 where a distance is 0. `y` may be `x` itself.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairLpDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, p: Scalar, rows: [Int], columns: [Int]) -> Variable<Scalar> {
    p == 2 ? pairDistances(x, y, rows: rows, columns: columns) : PairValues.record(x, y, rows: rows, columns: columns, kind: .lpDistance(p: Double(p)))
}

extension Variable {
    /// The p-norm of each row, ‖xᵢ‖ₚ = (Σₖ |xᵢₖ|ᵖ)^(1/p), for a finite p ≥ 1 (PyTorch's
    /// `norm(x, p, dim=1)`); derivative sign(xᵢₖ)·(|xᵢₖ|/‖xᵢ‖ₚ)^(p−1), 0 for a zero row. A p
    /// out of range is an `invalidParameter` error carried by the result.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowNorms(p: Scalar) -> Variable {
        if p == 2 { return rowNorms() }
        let x = value
        return Variable.record([self]) {
            let kernel = try LpKernel(validating: p)
            let (r, c) = try x.matrixExtents("rowNorms(p:)")
            let norms = PairValues.filled(r, reading: x, x) { px, _, po in
                for i in 0..<r { po[i] = kernel.norm(px + i * c, c) }
            }
            return (Tensor(uncheckedShape: [r], scalars: norms), { g in
                let grad = PairValues.filled(x.count, reading: x, x) { px, _, po in
                    for i in 0..<r { kernel.addGradient(po + i * c, px + i * c, c, value: norms[i], weight: g.storage[i]) }
                }
                return [Tensor(uncheckedShape: x.shape, scalars: grad)]
            })
        }
    }

    /// Each row divided by max(‖row‖ₚ, 1e-12), as PyTorch's `normalize(x, p)`: zero rows stay
    /// zero. p = 2 is `normalizedRows()`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func normalizedRows(p: Scalar) -> Variable {
        if p == 2 { return normalizedRows() }
        let norms = rowNorms(p: p).clamped(lower: Tensor<Scalar>.normalizationFloor)
        return self / norms.reshaped(to: [value.shape.first ?? 0, 1])
    }

    /// xᵉ elementwise (PyTorch's `x ** e`), for x ≥ 0 and a finite power e > 0 (else an
    /// `invalidParameter` error carried by the result); derivative e·xᵉ⁻¹, taken as 0 at x = 0
    /// where it is infinite (e < 1), so a zero distance keeps a finite gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func raised(to power: Scalar) -> Variable {
        guard power.isFinite && power > 0 else {
            return Variable.record([self]) { throw MetricLearningError(.invalidParameter, "power = \(power) is out of range: must be a finite number > 0") }
        }
        switch power {
        case 1: return self
        case 2: return squared()
        default:
            return unary({ Scalar.pow($0, power) }, derivative: { x, _ in
                let slope = power * Scalar.pow(x, power - 1)
                return x == 0 && !slope.isFinite ? 0 : slope
            })
        }
    }
}
