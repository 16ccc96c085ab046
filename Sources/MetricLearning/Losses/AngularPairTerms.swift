/// The per-pair terms of the angular loss from one `[N, N]` product matrix, fused.
///
/// With H = X̂·Xᵀ and cₜ = x̂ₐ·x̂ₚ for pair t = (a, p), the term is
/// ln(1 + Σₙ exp(4k(H[a,n] + H[p,n]) − 2(1 + k)cₜ)) over n labelled differently from a
/// (k = tan²α). Computing it from H avoids PML's `[pairs, N]` product (P/N times more
/// multiply-adds) and its `[pairs, N]` intermediates: exponentials are recomputed in the
/// pullback instead of stored.
@usableFromInline enum AngularPairTerms {
    /// Pairs are split into this many chunks (whatever the thread count), each with its
    /// own gradient buffer, summed in order: results do not depend on the threads.
    @usableFromInline static let chunks = 4

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        products h: Variable<Scalar>, pairDots c: Variable<Scalar>, anchors: [Int], positives: [Int],
        labels: [Int], tanSquared k: Scalar
    ) -> Variable<Scalar> {
        let hv = h.value, cv = c.value
        let n = labels.count, pairCount = anchors.count
        let scale = 4 * k, offset = 2 * (1 + k)
        // The columns each label's anchors sum over: every differently labelled row.
        var negatives = LabelGroups([])
        for label in Set(labels) { negatives.rows[label] = (0..<n).filter { labels[$0] != label } }
        /// Calls `body(exponent, column)` for every kept column of pair t, after computing the maximum.
        @inline(__always) func exponent(_ hp: UnsafePointer<Scalar>, _ t: Int, _ j: Int) -> Scalar {
            scale * (hp[anchors[t] * n + j] + hp[positives[t] * n + j]) - offset * cv.storage[t]
        }
        return Variable.record([h, c]) {
            var lse = [Scalar](repeating: 0, count: pairCount)
            hv.storage.withUnsafeBufferPointer { hb in
                lse.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let (hp, out) = (hb.baseAddress!, out)
                    parallelFor(chunks, work: pairCount * n * 8) { chunk in
                        var e = [Scalar](repeating: 0, count: n)
                        for t in stride(from: chunk, to: pairCount, by: chunks) {
                            let columns = negatives.members(of: labels[anchors[t]])
                            var m: Scalar = 0
                            for (i, j) in columns.enumerated() {
                                e[i] = exponent(hp, t, j)
                                m = Swift.max(m, e[i])
                            }
                            for i in 0..<columns.count { e[i] -= m }
                            e.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: columns.count) }
                            let total = Scalar.exp(-m) + e.withUnsafeBufferPointer { Reductions.sum($0.baseAddress!, columns.count) }
                            out[t] = m + Scalar.log(total)
                        }
                    }
                }
            }
            let values = Tensor<Scalar>(uncheckedShape: [pairCount], scalars: lse)
            return (values, { g in
                var buffers = [[Scalar]](repeating: [], count: chunks)
                var dc = [Scalar](repeating: 0, count: pairCount)
                hv.storage.withUnsafeBufferPointer { hb in
                    buffers.withUnsafeMutableBufferPointer { bufs in
                        dc.withUnsafeMutableBufferPointer { dcb in
                            nonisolated(unsafe) let (hp, bufs, dcb) = (hb.baseAddress!, bufs, dcb)
                            parallelFor(chunks, work: pairCount * n * 8) { chunk in
                                var grad = [Scalar](repeating: 0, count: n * n)
                                var e = [Scalar](repeating: 0, count: n)
                                for t in stride(from: chunk, to: pairCount, by: chunks) where g.storage[t] != 0 {
                                    let columns = negatives.members(of: labels[anchors[t]])
                                    let (ra, rp) = (anchors[t] * n, positives[t] * n)
                                    for (i, j) in columns.enumerated() { e[i] = exponent(hp, t, j) - lse[t] }
                                    e.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: columns.count) }
                                    var weightSum: Scalar = 0
                                    let factor = g.storage[t] * scale
                                    for (i, j) in columns.enumerated() {
                                        weightSum += e[i]
                                        let dh = factor * e[i]
                                        grad[ra + j] += dh
                                        grad[rp + j] += dh
                                    }
                                    dcb[t] = -offset * g.storage[t] * weightSum
                                }
                                bufs[chunk] = grad
                            }
                        }
                    }
                }
                var dh = buffers[0]
                for chunk in 1..<chunks where !buffers[chunk].isEmpty {
                    for i in 0..<dh.count { dh[i] += buffers[chunk][i] }
                }
                return [Tensor(uncheckedShape: [n, n], scalars: dh), Tensor(uncheckedShape: [pairCount], scalars: dc)]
            })
        }
    }
}
