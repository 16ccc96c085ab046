/// The differentiable matrix product op(a)·op(b) (see the tensor `matmul`).
///
/// Pullback: ∂a = g·op(b)ᵀ and ∂b = op(a)ᵀ·g, transposed back where the operand was.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func matmul<Scalar: TensorScalar>(
    _ a: Variable<Scalar>, _ b: Variable<Scalar>, transposeA: Bool = false, transposeB: Bool = false
) -> Variable<Scalar> {
    matmul(a, b, transposeA: transposeA, transposeB: transposeB, known: nil)
}

/// `matmul(a, b, transposeA:transposeB:)` whose value is `known` when a caller already holds it
/// (computed by the same product from the same values): the same variable, recorded without
/// the product. A `known` of the wrong shape is ignored.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func matmul<Scalar: TensorScalar>(
    _ a: Variable<Scalar>, _ b: Variable<Scalar>, transposeA: Bool = false, transposeB: Bool = false, known: Tensor<Scalar>?
) -> Variable<Scalar> {
    let av = a.value, bv = b.value
    let rows = av.shape.count == 2 ? av.shape[transposeA ? 1 : 0] : -1, columns = bv.shape.count == 2 ? bv.shape[transposeB ? 0 : 1] : -1
    let known = known?.shape == [rows, columns] ? known : nil
    let needA = a.isTracked, needB = b.isTracked
    if needA && a.tape === b.tape && a.node == b.node && !transposeA && transposeB {
        // a·aᵀ of one variable: ∂a = (g + gᵀ)·a, one product instead of two.
        return Variable.record([a]) {
            let out = try known ?? matmul(av, av, transposeB: true)
            return (out, { g in
                // g + gᵀ is formed while g is packed for the product: no [N, N] pass or buffer.
                return [try? symmetrizedProduct(g, av)]
            })
        }
    }
    return Variable.record([a, b]) {
        let out = try known ?? matmul(av, bv, transposeA: transposeA, transposeB: transposeB)
        return (out, { g in
            let ga = needA ? (transposeA
                ? try? matmul(bv, g, transposeA: transposeB, transposeB: true)
                : try? matmul(g, bv, transposeB: !transposeB)) : nil
            let gb = needB ? (transposeB
                ? try? matmul(g, av, transposeA: true, transposeB: transposeA)
                : try? matmul(av, g, transposeA: !transposeA)) : nil
            return [ga, gb]
        })
    }
}

extension Variable {
    /// The transpose of a matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transposed() -> Variable {
        Variable.record([self]) {
            (try value.transposed(), { g in [try? g.transposed()] })
        }
    }

    /// The L2 norm of each row; derivative xᵢ/‖xᵢ‖ (0 for a zero row).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func rowNorms() -> Variable {
        recordWithRowNorms { x, norms in
            (norms, { g in
                let (r, c) = (x.shape[0], x.shape[1])
                var grad = x.storage
                for i in 0..<r {
                    let n = norms.storage[i]
                    let scale = n > 0 ? g.storage[i] / n : 0
                    for j in 0..<c { grad[i * c + j] *= scale }
                }
                return [Tensor(uncheckedShape: x.shape, scalars: grad)]
            })
        }
    }

    /// Each row divided by max(‖row‖, 1e-12), as PyTorch's `normalize`.
    ///
    /// Pullback for a row with ‖x‖ above the floor: (g − y·(y·g)) / ‖x‖.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func normalizedRows() -> Variable {
        let x = value
        return Variable.record([self]) {
            // A miner and the loss after it normalise the same rows (`StepMemo`).
            let (y, norms) = try StepMemo.result(.normalizedRows, of: x.storage) {
                let (y, norms, normsOfY) = try x.normalizedRowsAndNorms(normsOfRows: StepMemo.isBound)
                // Entries of at most unit size: never rescaled for distances (no scan needed);
                // their norms (a distance matrix's next need) already worked out.
                StepMemo.remember(Int?.none, as: .rescaleExponent, of: y.storage)
                if normsOfY.count == y.shape[0] { StepMemo.remember(normsOfY, as: .rowNorms, of: y.storage) }
                return (y, norms)
            }
            return (y, { g in
                let (r, c) = (x.shape[0], x.shape[1])
                let floor = Tensor<Scalar>.normalizationFloor
                var dots = [Scalar](repeating: 0, count: r)
                // Rows are independent: blocks of them split over threads.
                let grad = [Scalar](uninitializedCount: r * c) { out in
                    g.storage.withUnsafeBufferPointer { gb in
                        y.storage.withUnsafeBufferPointer { yb in
                            norms.storage.withUnsafeBufferPointer { nb in
                                dots.withUnsafeMutableBufferPointer { db in
                                    guard c > 0, let o = out.baseAddress, let gp = gb.baseAddress, let yp = yb.baseAddress,
                                          let np = nb.baseAddress, let dp = db.baseAddress else { return }
                                    nonisolated(unsafe) let (op, gq, yq, nq, dq) = (o, gp, yp, np, dp)
                                    _ = parallelRanges(r, chunks: 8, work: r * c * divisionWork) { rows in
                                        Reductions.rowDots(yq, gq, rows: rows, width: c, into: dq)
                                        for i in rows {
                                            let (n, row) = (nq[i], i * c)
                                            let (gRow, yRow, outRow) = (gq + row, yq + row, op + row)
                                            if n > floor {
                                                let dot = dq[i]
                                                for j in 0..<c { (outRow + j).initialize(to: (gRow[j] - yRow[j] * dot) / n) }
                                            } else {
                                                for j in 0..<c { (outRow + j).initialize(to: gRow[j] / floor) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return [Tensor(uncheckedShape: x.shape, scalars: grad)]
            })
        }
    }

    /// Records an operation on this matrix whose value and pullback `op` makes from the
    /// matrix x and its row norms ‖xᵢ‖.
    private func recordWithRowNorms(
        _ op: (_ x: Tensor<Scalar>, _ norms: Tensor<Scalar>) throws -> (Tensor<Scalar>, Pullback)
    ) -> Variable {
        let x = value
        return Variable.record([self]) { try op(x, try x.rowNorms()) }
    }
}

/// Differentiable dot products x_i · y_j: `[x.rows, y.rows]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseDotProducts<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
    matmul(x, y, transposeB: true)
}

/// `pairwiseDotProducts(x, y)` whose value a caller already holds (see `matmul(_:_:known:)`).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func pairwiseDotProducts<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, known: Tensor<Scalar>) -> Variable<Scalar> {
    matmul(x, y, transposeB: true, known: known)
}

/// Differentiable squared Euclidean distances ‖x_i − y_j‖².
///
/// Pullback: ∂x_i = 2(x_i Σⱼ gᵢⱼ − Σⱼ gᵢⱼ y_j), ∂y_j = 2(y_j Σᵢ gᵢⱼ − Σᵢ gᵢⱼ x_i); for a
/// batch against itself, one product with g + gᵀ.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseSquaredDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
    PairwiseDistancePullback.record(x, y, root: false)
}

/// `pairwiseSquaredDistances(x, y)` (or, with `root`, `pairwiseDistances(x, y)`) whose value
/// a caller already holds, computed by the same function from the same values: the same
/// variable, recorded without the product. Nil where the values would have been computed
/// another way (rows so large that `pairwiseDistances` rescales them) or `known` has the
/// wrong shape: compute them then.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
package func pairwiseDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, root: Bool, known: Tensor<Scalar>) -> Variable<Scalar>? {
    guard x.value.shape.count == 2, y.value.shape.count == 2, known.shape == [x.value.shape[0], y.value.shape[0]],
          !root || EuclideanRescale.exponent(x.value, y.value) == nil else { return nil }
    return PairwiseDistancePullback.record(x, y, root: root, known: known)
}

/// Differentiable Euclidean distances ‖x_i − y_j‖; the gradient at distance 0 is 0
/// (as PyTorch's `cdist`), so duplicates and the diagonal never give NaN.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func pairwiseDistances<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
    guard let exponent = EuclideanRescale.exponent(x.value, y.value) else {
        return PairwiseDistancePullback.record(x, y, root: true)
    }
    // ‖s·x − s·y‖ = s‖x − y‖ exactly for s = 2^−k: squared norms of huge rows no longer overflow.
    let (down, up) = EuclideanRescale.factors(exponent, as: Scalar.self)
    let xs = x * down
    return PairwiseDistancePullback.record(xs, x.isSameVariable(as: y) ? xs : y * down, root: true) * up
}

/// The pairwise (squared) distance operation and its pullback, shared by both forms.
@usableFromInline package enum PairwiseDistancePullback {
    @usableFromInline package static func record<Scalar: TensorScalar>(_ x: Variable<Scalar>, _ y: Variable<Scalar>, root: Bool, known: Tensor<Scalar>? = nil) -> Variable<Scalar> {
        let xv = x.value, yv = y.value
        let same = x.isTracked && x.isSameVariable(as: y)
        let needX = x.isTracked, needY = y.isTracked && !same
        return Variable.record(same ? [x] : [x, y]) {
            let out = try known ?? DistanceMatrix.compute(xv, yv, root: root)
            return (out, { g in
                var gs = consume g
                // d = √s: ∂s = g / 2d, and 0 where d = 0. The pullback is linear in g: should a
                // quotient come near overflow (a huge g on a tiny d; sums of such would overflow
                // later), every ∂s is scaled down by 2^k (exact) and the gradients back up at the end.
                var exponent = 0
                if root {
                    let limit = Scalar(sign: .plus, exponent: Scalar.greatestFiniteMagnitude.exponent - Scalar.Exponent(Self.headroom), significand: 1)
                    let overflowed = gs.storage.withUnsafeMutableBufferPointer { gb in
                        out.storage.withUnsafeBufferPointer { db in
                            nonisolated(unsafe) let (gp, dp) = (gb.baseAddress, db.baseAddress)
                            return parallelRanges(gb.count, work: gb.count * 8) { range -> [(index: Int, gradient: Scalar)] in
                                var aside: [(index: Int, gradient: Scalar)] = []
                                for i in range {
                                    let (g, d) = (gp![i], dp![i])
                                    let quotient = d > 0 ? g / (2 * d) : 0
                                    if quotient.magnitude > limit && g.isFinite { aside.append((i, g)) }
                                    gp![i] = quotient
                                }
                                return aside
                            }
                        }
                    }.flatMap { $0 }
                    if !overflowed.isEmpty {
                        exponent = overflowExponent(overflowed.map { ($0.gradient, out.storage[$0.index]) })
                        let down = Scalar.Exponent(-exponent)
                        gs = gs.map { Scalar(sign: .plus, exponent: down, significand: $0) }
                        for (index, g) in overflowed {
                            gs.storage[index] = Scalar(sign: .plus, exponent: down, significand: g) / (2 * out.storage[index])
                        }
                    }
                }
                func restored(_ gradient: Tensor<Scalar>?) -> Tensor<Scalar>? {
                    guard exponent > 0, let gradient else { return gradient }
                    let up = Scalar.Exponent(exponent)
                    return gradient.map { Scalar(sign: .plus, exponent: up, significand: $0) }
                }
                let gradients = same ? [restored(side(xv, xv, gs, transposeG: false, symmetrized: true))]
                    : [needX ? restored(side(xv, yv, gs, transposeG: false)) : nil, needY ? restored(side(yv, xv, gs, transposeG: true)) : nil]
                // Rewritten in place above, so this pullback's alone: dead after the products.
                if root { ScratchMemory.recycle((consume gs).storage) }
                return gradients
            })
        }
    }

    /// How far (as a power of two) quotients g / 2d stay below the largest finite scalar, so
    /// that sums of up to 2²⁴ of them cannot overflow.
    static let headroom = 24

    /// The k ≥ 0 for which g / 2d, scaled by 2^−k, stays `headroom` binades below the largest
    /// finite scalar for every (g, d) given (d > 0).
    static func overflowExponent<Scalar: TensorScalar>(_ pairs: [(gradient: Scalar, distance: Scalar)]) -> Int {
        var needed = 0
        for (gradient, distance) in pairs where gradient != 0 {
            needed = Swift.max(needed, Int(gradient.exponent) - Int(distance.exponent))
        }
        return Swift.max(0, needed - Int(Scalar.greatestFiniteMagnitude.exponent) + headroom + 1)
    }

    /// 2(own_i Σ gᵢ − (g·other)_i) over the rows of `own` (g transposed for the right operand;
    /// g + gᵀ, never formed, when `symmetrized`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func side<Scalar: TensorScalar>(_ own: Tensor<Scalar>, _ other: Tensor<Scalar>, _ g: Tensor<Scalar>, transposeG: Bool,
                                           symmetrized: Bool = false) -> Tensor<Scalar>? {
        let weights: Tensor<Scalar>, mixed: Tensor<Scalar>
        if symmetrized {
            guard let rows = try? g.sum(alongAxis: 1), let columns = try? g.sum(alongAxis: 0),
                  let product = try? symmetrizedProduct(g, other) else { return nil }
            (weights, mixed) = (Tensor(uncheckedShape: rows.shape, scalars: zip(rows.storage, columns.storage).map { $0 + $1 }), product)
        } else {
            guard let sums = try? g.sum(alongAxis: transposeG ? 0 : 1),
                  let product = try? matmul(g, other, transposeA: transposeG) else { return nil }
            (weights, mixed) = (sums, product)
        }
        let (r, c) = (own.shape[0], own.shape[1])
        // The product is a temporary: its buffer becomes the gradient.
        var grad = (consume mixed).storage
        for i in 0..<r {
            let w = weights.storage[i]
            for j in 0..<c { grad[i * c + j] = 2 * (own.storage[i * c + j] * w - grad[i * c + j]) }
        }
        return Tensor(uncheckedShape: own.shape, scalars: grad)
    }
}
