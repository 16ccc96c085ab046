import TensorCore

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
/// negatives span at most `ScaledExponentials.safeSpan` (so products of two entries stay
/// normal numbers); otherwise it returns nil and the direct `AngularPairTerms` runs.
///
/// - Complexity: O((N + M)·M) exponentials and O(T·M) multiply-adds, O((N + M)·M) memory.
@usableFromInline enum FactoredAngularTerms {
    /// The terms for a batch against itself, from its normalised rows x̂ and norms ν:
    /// A = P = X̂·Xᵀ = (X̂·X̂ᵀ)·diag(ν), a Gram matrix (half the products) whose pullback
    /// is one product, (∂G + ∂Gᵀ)·X̂ (the sum taken while packing); the Gram matrix's buffer
    /// becomes its gradient.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        normalized x: Variable<Scalar>, norms v: Variable<Scalar>, pairDots c: Variable<Scalar>,
        anchors: [Int], positives: [Int], labels: [Int], tanSquared k: Scalar
    ) -> Variable<Scalar>? {
        let xv = x.value, norms = v.value.storage, cv = c.value
        guard xv.rank == 2, xv.shape[0] == labels.count, norms.count == labels.count, cv.count == anchors.count,
              anchors.indices.allSatisfy({ labels[anchors[$0]] == labels[positives[$0]] }),
              // The product is a temporary: its storage is `gram`'s alone, for the pullback to reuse.
              let gram = try? matmul(xv, xv, transposeB: true).storage,
              let rows = ScaledExponentials(Tensor(uncheckedShape: [labels.count, labels.count], scalars: gram), scale: 4 * k,
                                            columnScales: norms, rowLabels: labels, columnLabels: labels, used: anchors + positives)
        else { return nil }
        let owned = PullbackBuffer(gram)
        let pairs = PairTerms(anchorRows: rows, positiveRows: rows, pairDots: cv, anchors: anchors, positives: positives, tanSquared: k)
        return Variable.record([x, v, c]) {
            (pairs.values, { g in
                let (coefficients, dc) = pairs.pullbackFactors(g)
                let byAnchor = RowGroups(rows: anchors, count: rows.rows), byPositive = RowGroups(rows: positives, count: rows.rows)
                // ∂A → ∂(X̂X̂ᵀ) = ∂A·diag(ν) and ∂νₙ = Σᵣ ∂A[r,n]·(X̂X̂ᵀ)[r,n]; then the Gram pullback.
                // The Gram matrix's buffer becomes its own gradient.
                guard var dgram = owned.take() else { return [nil, nil, nil] }
                let dv = rows.replacingWithGradient(&dgram, sums: [
                    WeightedRowSum(groups: byAnchor, others: positives, source: rows, coefficients: coefficients),
                    WeightedRowSum(groups: byPositive, others: anchors, source: rows, coefficients: coefficients),
                ], columnScales: norms)
                let dx = try? symmetrizedProduct(Tensor(uncheckedShape: [rows.rows, rows.rows], scalars: dgram), xv)
                ScratchMemory.recycle(consume dgram)  // dead after the product; the next step's buffer
                return [dx, Tensor(uncheckedShape: [norms.count], scalars: dv), dc]
            })
        }
    }

    /// The terms from products with references (`AngularProducts`): A = Â·Rᵀ and, unless
    /// nil (then P is A), P = R̂·Rᵀ.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(_ products: AngularProducts<Scalar>) -> Variable<Scalar>? {
        let (av, pv, cv) = products.values
        let (anchors, positives, labels, referenceLabels) = (products.anchors, products.positives, products.labels, products.referenceLabels)
        let m = referenceLabels.count, k = products.tanSquared, scale = 4 * k
        // The pullback must not capture a variable (its tape would then hold itself): a flag for P.
        let separatePositives = products.positiveProducts != nil
        guard av.rank == 2, pv.rank == 2, av.shape == [labels.count, m], pv.shape[1] == m, cv.count == anchors.count,
              separatePositives || pv.shape[0] == m,
              anchors.indices.allSatisfy({ labels[anchors[$0]] == referenceLabels[positives[$0]] }),
              let anchorRows = ScaledExponentials(av, scale: scale, columnScales: nil, rowLabels: labels, columnLabels: referenceLabels,
                                                  used: separatePositives ? anchors : anchors + positives),
              let positiveRows = !separatePositives ? anchorRows
                : ScaledExponentials(pv, scale: scale, columnScales: nil, rowLabels: referenceLabels, columnLabels: referenceLabels,
                                     used: positives)
        else { return nil }
        let pairs = PairTerms(anchorRows: anchorRows, positiveRows: positiveRows, pairDots: cv,
                              anchors: anchors, positives: positives, tanSquared: k)
        return Variable.record(products.variables) {
            (pairs.values, { g in
                let (coefficients, dc) = pairs.pullbackFactors(g)
                let byAnchor = RowGroups(rows: anchors, count: av.shape[0]), byPositive = RowGroups(rows: positives, count: pv.shape[0])
                // Row a of ∂A gathers the E_P rows of its pairs' positives; row p of ∂P the E_A rows of its anchors.
                let fromAnchors = WeightedRowSum(groups: byAnchor, others: positives, source: positiveRows, coefficients: coefficients)
                let fromPositives = WeightedRowSum(groups: byPositive, others: anchors, source: anchorRows, coefficients: coefficients)
                guard separatePositives else {
                    return [Tensor(uncheckedShape: av.shape, scalars: anchorRows.weightedRows([fromAnchors, fromPositives])), dc]
                }
                return [Tensor(uncheckedShape: av.shape, scalars: anchorRows.weightedRows([fromAnchors])),
                        Tensor(uncheckedShape: pv.shape, scalars: positiveRows.weightedRows([fromPositives])), dc]
            })
        }
    }

    /// Per pair: lseₜ, wₜ = Σₙ exp(hₜₙ − lseₜ) and κₜ.
    struct PairTerms<Scalar: TensorScalar> {
        let values: Tensor<Scalar>
        let weights: [Scalar], kappas: [Scalar]
        let scale: Scalar, offset: Scalar

        init(anchorRows: ScaledExponentials<Scalar>, positiveRows: ScaledExponentials<Scalar>, pairDots: Tensor<Scalar>,
             anchors: [Int], positives: [Int], tanSquared k: Scalar) {
            let count = anchors.count, offset = 2 * (1 + k)
            var lse = [Scalar](repeating: 0, count: count), weights = lse, kappas = lse
            lse.withUnsafeMutableBufferPointer { lb in
              weights.withUnsafeMutableBufferPointer { wb in
                kappas.withUnsafeMutableBufferPointer { kb in
                    nonisolated(unsafe) let (lp, wp, kp) = (lb.baseAddress!, wb.baseAddress!, kb.baseAddress!)
                    _ = parallelRanges(count, work: count * anchorRows.columns * 2) { range in
                        for t in range {
                            let dot = anchorRows.dot(anchors[t], positiveRows, positives[t])
                            guard dot > 0 else { continue }
                            let shift = anchorRows.shifts[anchors[t]] + positiveRows.shifts[positives[t]] - offset * pairDots.storage[t]
                            let z = shift + Scalar.log(dot)
                            lp[t] = Tensor<Scalar>.softplus(z)
                            wp[t] = Scalar.exp(z - lp[t])
                            kp[t] = Scalar.exp(shift - lp[t])
                        }
                    }
                }
              }
            }
            self.values = Tensor(uncheckedShape: [count], scalars: lse)
            (self.weights, self.kappas, self.scale, self.offset) = (weights, kappas, 4 * k, offset)
        }

        /// For upstream g: the row-sum coefficients s·gₜ·κₜ and the pair dots' gradient −o·gₜ·wₜ.
        func pullbackFactors(_ g: Tensor<Scalar>) -> ([Scalar], Tensor<Scalar>) {
            let upstream = g.storage
            let coefficients = upstream.indices.map { scale * upstream[$0] * kappas[$0] }
            let dc = upstream.indices.map { -offset * upstream[$0] * weights[$0] }
            return (coefficients, Tensor(uncheckedShape: [upstream.count], scalars: dc))
        }
    }
}
