/// The angular loss's per-pair terms with the exponentials factored out of the pairs.
///
/// The exponent of pair t = (a, p) at reference n, hₜₙ = s(A[a,n] + P[p,n]) − o·cₜ with
/// s = 4k and o = 2(1 + k), splits into a row of A and a row of P. With per-row shifts
/// μ_r = maxₙ sA[r,n] over the row's negatives and E[r,n] = exp(sA[r,n] − μ_r) (0 at the
/// columns labelled like r), Σₙ exp(hₜₙ) = exp(μₐ + μₚ − o·cₜ) · (E_A[a] · E_P[p]). So
/// ln(1 + Σₙ exp(hₜₙ)) = softplus(μₐ + μₚ − o·cₜ + ln(E_A[a] · E_P[p])), and the pullback
/// ∂/∂A[a,n] = s·gₜ·κₜ·E_A[a,n]·E_P[p,n] (κₜ = exp(μₐ + μₚ − o·cₜ − lseₜ)) sums row by row
/// as E_A[a] ⊙ Σₜ s·gₜ·κₜ·E_P[pₜ]. That is (N + M)·M exponentials in place of T·M, and
/// the rest is dot products and axpys.
///
/// It applies when every pair joins two rows of one label and each row's exponents over its
/// negatives span at most `safeSpan` (so products of two E entries stay normal numbers);
/// otherwise `terms` returns nil and the direct `AngularPairTerms` runs.
///
/// - Complexity: O((N + M)·M) exponentials and O(T·M) multiply-adds, O((N + M)·M) memory.
@usableFromInline enum FactoredAngularTerms {
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        anchorProducts a: Variable<Scalar>, positiveProducts p: Variable<Scalar>?, pairDots c: Variable<Scalar>,
        anchors: [Int], positives: [Int], labels: [Int], referenceLabels: [Int], tanSquared k: Scalar
    ) -> Variable<Scalar>? {
        let av = a.value, pv = p?.value ?? a.value, cv = c.value
        let m = referenceLabels.count, pairCount = anchors.count
        guard av.rank == 2, pv.rank == 2, av.shape == [labels.count, m], pv.shape[1] == m, cv.count == pairCount,
              p != nil || pv.shape[0] == m,
              anchors.indices.allSatisfy({ labels[anchors[$0]] == referenceLabels[positives[$0]] })
        else { return nil }
        let scale = 4 * k, offset = 2 * (1 + k)
        guard let anchorRows = ScaledExponentials(av, scale: scale, rowLabels: labels, columnLabels: referenceLabels,
                                                  used: p == nil ? anchors + positives : anchors),
              let positiveRows = p == nil ? anchorRows
                : ScaledExponentials(pv, scale: scale, rowLabels: referenceLabels, columnLabels: referenceLabels, used: positives)
        else { return nil }
        // Per pair: the term lseₜ, its weight wₜ = Σₙ exp(hₜₙ − lseₜ) and κₜ.
        var lse = [Scalar](repeating: 0, count: pairCount), weights = lse, kappas = lse
        lse.withUnsafeMutableBufferPointer { lb in
          weights.withUnsafeMutableBufferPointer { wb in
            kappas.withUnsafeMutableBufferPointer { kb in
                nonisolated(unsafe) let (lp, wp, kp) = (lb.baseAddress!, wb.baseAddress!, kb.baseAddress!)
                _ = parallelRanges(pairCount, work: pairCount * m * 2) { range in
                    for t in range {
                        let dot = anchorRows.dot(anchors[t], positiveRows, positives[t])
                        guard dot > 0 else { continue }
                        let shift = anchorRows.shifts[anchors[t]] + positiveRows.shifts[positives[t]] - offset * cv.storage[t]
                        let z = shift + Scalar.log(dot)
                        lp[t] = Tensor<Scalar>.softplus(z)
                        wp[t] = Scalar.exp(z - lp[t])
                        kp[t] = Scalar.exp(shift - lp[t])
                    }
                }
            }
          }
        }
        return Variable.record(p.map { [a, $0, c] } ?? [a, c]) {
            (Tensor(uncheckedShape: [pairCount], scalars: lse), { g in
                let upstream = g.storage
                let dc = (0..<pairCount).map { -offset * upstream[$0] * weights[$0] }
                let coefficients = (0..<pairCount).map { scale * upstream[$0] * kappas[$0] }
                let byAnchor = RowGroups(rows: anchors, count: av.shape[0])
                let byPositive = RowGroups(rows: positives, count: pv.shape[0])
                // Row a of ∂A gathers E_P rows of its pairs' positives; row p of ∂P the E_A rows of its anchors.
                let fromAnchors = RowSum(groups: byAnchor, others: positives, source: positiveRows, coefficients: coefficients)
                let fromPositives = RowSum(groups: byPositive, others: anchors, source: anchorRows, coefficients: coefficients)
                guard p != nil else {
                    let gradient = anchorRows.weightedRows([fromAnchors, fromPositives])
                    return [gradient, Tensor(uncheckedShape: [pairCount], scalars: dc)]
                }
                return [anchorRows.weightedRows([fromAnchors]), positiveRows.weightedRows([fromPositives]),
                        Tensor(uncheckedShape: [pairCount], scalars: dc)]
            })
        }
    }

    /// Σ over the pairs t of row r of coefficients[t]·source[others[t]].
    struct RowSum<Scalar: TensorScalar> {
        let groups: RowGroups
        let others: [Int]
        let source: ScaledExponentials<Scalar>
        let coefficients: [Scalar]
    }

    /// E[r,n] = exp(s·X[r,n] − μ_r) with μ_r the largest s·X[r,n] over the columns labelled
    /// differently from row r, and E[r,n] = 0 at the columns labelled like it.
    struct ScaledExponentials<Scalar: TensorScalar> {
        let rows: Int, columns: Int
        let values: [Scalar]
        let shifts: [Scalar]

        /// The widest span of a row's exponents that keeps a product of two entries normal.
        static var safeSpan: Scalar { -Scalar.log(Scalar.leastNormalMagnitude) * Scalar(0.4) }

        /// Computes the rows listed in `used` (others stay 0); nil if one spans more than `safeSpan`.
        init?(_ x: Tensor<Scalar>, scale: Scalar, rowLabels: [Int], columnLabels: [Int], used: [Int]) {
            let (n, m) = (x.shape[0], x.shape[1])
            var needed = [Bool](repeating: false, count: n)
            for r in used { needed[r] = true }
            let excluded = SameLabelColumns(labels: rowLabels, referenceLabels: columnLabels)
            var values = [Scalar](repeating: 0, count: n * m), shifts = [Scalar](repeating: 0, count: n)
            let fits = x.storage.withUnsafeBufferPointer { xb in
                values.withUnsafeMutableBufferPointer { vb in
                    shifts.withUnsafeMutableBufferPointer { sb in
                        nonisolated(unsafe) let (xp, vp, sp) = (xb.baseAddress!, vb.baseAddress!, sb.baseAddress!)
                        return parallelRanges(n, work: n * m * 24) { range in
                            for r in range where needed[r] {
                                let row = vp + r * m, source = xp + r * m
                                for j in 0..<m { row[j] = scale * source[j] }
                                let same = excluded.columns(of: r)
                                for j in same { row[j] = .nan }
                                let (lower, upper) = Reductions.bounds(row, m)
                                guard upper >= lower else {
                                    for j in 0..<m { row[j] = 0 }
                                    continue
                                }
                                guard upper - lower <= Self.safeSpan else { return false }
                                sp[r] = upper
                                _ = VectorExponential.applySummed(row, count: m, subtracting: upper)
                                for j in same { row[j] = 0 }
                            }
                            return true
                        }.allSatisfy { $0 }
                    }
                }
            }
            guard fits else { return nil }
            (self.rows, self.columns, self.values, self.shifts) = (n, m, values, shifts)
        }

        /// E[r] · other.E[q].
        func dot(_ r: Int, _ other: ScaledExponentials, _ q: Int) -> Scalar {
            values.withUnsafeBufferPointer { mine in
                other.values.withUnsafeBufferPointer { theirs in
                    Reductions.dot(mine.baseAddress! + r * columns, theirs.baseAddress! + q * columns, columns)
                }
            }
        }

        /// The [rows, M] tensor whose row r is E[r] ⊙ (the sums' rows r added in order).
        func weightedRows(_ sums: [RowSum<Scalar>]) -> Tensor<Scalar> {
            let m = columns
            var out = [Scalar](repeating: 0, count: rows * m)
            let pairWork = sums.reduce(0) { $0 + $1.others.count }
            out.withUnsafeMutableBufferPointer { ob in
              values.withUnsafeBufferPointer { eb in
                nonisolated(unsafe) let (op, ep) = (ob.baseAddress!, eb.baseAddress!)
                _ = parallelRanges(rows, work: (pairWork + rows) * m * 2) { range in
                    for r in range {
                        let row = op + r * m
                        var touched = false
                        for sum in sums {
                            sum.source.values.withUnsafeBufferPointer { sb in
                                for t in sum.groups.pairs(of: r) where sum.coefficients[t] != 0 {
                                    Reductions.addScaled(row, sb.baseAddress! + sum.others[t] * m, sum.coefficients[t], m)
                                    touched = true
                                }
                            }
                        }
                        if touched { Reductions.multiply(row, ep + r * m, m) }
                    }
                }
              }
            }
            return Tensor(uncheckedShape: [rows, m], scalars: out)
        }
    }
}
