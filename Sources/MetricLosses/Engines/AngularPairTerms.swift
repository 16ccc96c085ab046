import TensorCore

/// The per-pair terms of the angular loss from products with the references
/// (`AngularProducts`), fused.
///
/// With A = Â·Rᵀ (anchors against references), P = R̂·Rᵀ (positives against references;
/// for a batch against itself P is A) and cₜ = âₐ·r̂ₚ for pair t = (a, p), the term is
/// ln(1 + Σₙ exp(hₜₙ)), hₜₙ = 4k(A[a,n] + P[p,n]) − 2(1 + k)cₜ, over references n labelled
/// differently from a (k = tan²α). This avoids PML's `[pairs, M]` product (pairs/N times
/// more multiply-adds) and its `[pairs, M]` intermediates: exponentials are recomputed in
/// the pullback, row by row, instead of stored.
///
/// - Complexity: O(T·M) time for T pairs and M references, O(M) scratch per thread.
@usableFromInline enum AngularPairTerms {
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(_ products: AngularProducts<Scalar>) -> Variable<Scalar> {
        let (av, pv, cv) = products.values
        let (anchors, positives, labels) = (products.anchors, products.positives, products.labels)
        let m = products.referenceLabels.count, pairCount = anchors.count, k = products.tanSquared
        let terms = Kernel(scale: 4 * k, offset: 2 * (1 + k), columns: m, anchors: anchors, positives: positives,
                           excluded: SameLabelColumns(labels: labels, referenceLabels: products.referenceLabels))
        // The pullback must not capture a variable (its tape would then hold itself): a flag for P.
        let separatePositives = products.positiveProducts != nil
        return Variable.record(products.variables) {
            guard av.rank == 2, pv.rank == 2, av.shape[1] == m, pv.shape[1] == m, cv.count == pairCount else {
                throw MetricLearningError(.shapeMismatch, "angular terms: products \(av.shape) and \(pv.shape) for \(m) references")
            }
            // lse[t], and w[t] = Σₙ exp(hₜₙ − lse[t]) = ∂lse[t]/∂(Σₙ hₜₙ) for the pair dot's gradient.
            var lse = [Scalar](repeating: 0, count: pairCount), weights = lse
            av.storage.withUnsafeBufferPointer { ab in
              pv.storage.withUnsafeBufferPointer { pb in
                cv.storage.withUnsafeBufferPointer { cb in
                  lse.withUnsafeMutableBufferPointer { lb in
                    weights.withUnsafeMutableBufferPointer { wb in
                        nonisolated(unsafe) let (ap, pp, cp, lp, wp) = (ab.baseAddress!, pb.baseAddress!, cb.baseAddress!, lb.baseAddress!, wb.baseAddress!)
                        _ = parallelRanges(pairCount, work: pairCount * m * 24) { range in
                            let e = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                            defer { e.deallocate() }
                            for t in range {
                                let shift = terms.offset * cp[t]
                                let top = terms.exponents(e, ap + anchors[t] * m, pp + positives[t] * m, anchor: anchors[t], shift: shift)
                                let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                                let total = Scalar.exp(-top) + sum
                                lp[t] = top + Scalar.log(total)
                                wp[t] = sum / total
                            }
                        }
                    }
                  }
                }
              }
            }
            let values = Tensor<Scalar>(uncheckedShape: [pairCount], scalars: lse)
            return (values, { g in
                let upstream = g.storage
                let dc = (0..<pairCount).map { -terms.offset * upstream[$0] * weights[$0] }
                // ∂/∂A[a,·] = Σ over pairs with anchor a of 4k·gₜ·exp(hₜ − lseₜ); likewise P by positive.
                let byAnchor = RowGroups(rows: anchors, count: av.shape[0])
                if !separatePositives, anchors.indices.allSatisfy({ labels[anchors[$0]] == labels[positives[$0]] }),
                   let mirror = byAnchor.mirrors(rows: anchors, others: positives) {
                    // One matrix plays A and P and every pair (a, p) has its mirror (p, a), whose
                    // exponents are the same numbers: row a takes both pairs' weights in one pass.
                    var gradient = [Scalar](repeating: 0, count: av.count)
                    terms.accumulateRows(&gradient, av, av, cv, lse, groups: byAnchor) {
                        terms.scale * (upstream[$0] + upstream[mirror[$0]])
                    }
                    return [Tensor(uncheckedShape: av.shape, scalars: gradient), Tensor(uncheckedShape: [pairCount], scalars: dc)]
                }
                let byPositive = RowGroups(rows: positives, count: pv.shape[0])
                var da = [Scalar](repeating: 0, count: av.count)
                terms.accumulateRows(&da, av, pv, cv, lse, groups: byAnchor) { terms.scale * upstream[$0] }
                if !separatePositives {
                    terms.accumulateRows(&da, av, pv, cv, lse, groups: byPositive) { terms.scale * upstream[$0] }
                    return [Tensor(uncheckedShape: av.shape, scalars: da), Tensor(uncheckedShape: [pairCount], scalars: dc)]
                }
                var dp = [Scalar](repeating: 0, count: pv.count)
                terms.accumulateRows(&dp, av, pv, cv, lse, groups: byPositive) { terms.scale * upstream[$0] }
                return [Tensor(uncheckedShape: av.shape, scalars: da), Tensor(uncheckedShape: pv.shape, scalars: dp),
                        Tensor(uncheckedShape: [pairCount], scalars: dc)]
            })
        }
    }

    /// The exponents of the pairs and the accumulation of their gradient rows.
    @usableFromInline struct Kernel<Scalar: TensorScalar>: Sendable {
        let scale: Scalar, offset: Scalar, columns: Int
        let anchors: [Int], positives: [Int]
        let excluded: SameLabelColumns

        /// Writes e[n] = scale·(x[n] + y[n]) − shift, with −∞ at the columns labelled like
        /// `anchor`, and returns max(0, maxₙ e[n]) — the 0 standing for the 1 inside the log.
        @inline(__always)
        func exponents(_ e: UnsafeMutablePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>,
                       anchor: Int, shift: Scalar) -> Scalar {
            let raw = UnsafeMutableRawPointer(e), rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
            let width = MemoryLayout<Scalar>.stride, vectorEnd = columns & ~7
            for n in stride(from: 0, to: vectorEnd, by: 8) {
                let h = scale * (rx.loadUnaligned(fromByteOffset: n * width, as: SIMD8<Scalar>.self)
                                 + ry.loadUnaligned(fromByteOffset: n * width, as: SIMD8<Scalar>.self)) - shift
                raw.storeBytes(of: h, toByteOffset: n * width, as: SIMD8<Scalar>.self)
            }
            for n in vectorEnd..<columns { e[n] = scale * (x[n] + y[n]) - shift }
            for n in excluded.columns(of: anchor) { e[n] = -.infinity }
            return Reductions.maximum(e, columns, atLeast: 0)
        }

        /// Adds to row r of `out` ([rows, M]) weight(t)·exp(hₜ − lseₜ) for each pair t grouped
        /// under r (by anchor or by positive), in pair order.
        func accumulateRows(_ out: inout [Scalar], _ av: Tensor<Scalar>, _ pv: Tensor<Scalar>, _ cv: Tensor<Scalar>, _ lse: [Scalar],
                            groups: RowGroups, weight: (Int) -> Scalar) {
            let m = columns
            av.storage.withUnsafeBufferPointer { ab in
              pv.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { ob in
                    nonisolated(unsafe) let (ap, pp, op) = (ab.baseAddress!, pb.baseAddress!, ob.baseAddress!)
                    withoutActuallyEscaping(weight) { weight in
                        nonisolated(unsafe) let weight = weight
                        _ = parallelRanges(groups.rowCount, work: anchors.count * m * 24) { rows in
                            let e = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                            defer { e.deallocate() }
                            for r in rows {
                                for t in groups.pairs(of: r) {
                                    let w = weight(t)
                                    guard w != 0 else { continue }
                                    _ = exponents(e, ap + anchors[t] * m, pp + positives[t] * m, anchor: anchors[t],
                                                  shift: offset * cv.storage[t] + lse[t])
                                    VectorExponential.apply(e, count: m)
                                    Reductions.addScaled(op + r * m, e, w, m)
                                }
                            }
                        }
                    }
                }
              }
            }
        }
    }
}
