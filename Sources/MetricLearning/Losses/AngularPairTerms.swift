/// The per-pair terms of the angular loss from products with the references, fused.
///
/// With A = Â·Rᵀ (anchors against references), P = R̂·Rᵀ (positives against references;
/// both are X̂·Xᵀ for a batch against itself) and cₜ = âₐ·r̂ₚ for pair t = (a, p), the
/// term is ln(1 + Σₙ exp(4k(A[a,n] + P[p,n]) − 2(1 + k)cₜ)) over references n labelled
/// differently from a (k = tan²α). This avoids PML's `[pairs, M]` product (pairs/N times
/// more multiply-adds) and its `[pairs, M]` intermediates: exponentials are recomputed in
/// the pullback instead of stored.
@usableFromInline enum AngularPairTerms {
    /// Pairs are split into this many chunks (whatever the thread count), each with its
    /// own gradient buffer, summed in order: results do not depend on the threads.
    @usableFromInline static let chunks = 4

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        anchorProducts a: Variable<Scalar>, positiveProducts p: Variable<Scalar>, pairDots c: Variable<Scalar>,
        anchors: [Int], positives: [Int], labels: [Int], referenceLabels: [Int], tanSquared k: Scalar
    ) -> Variable<Scalar> {
        let av = a.value, pv = p.value, cv = c.value
        let n = referenceLabels.count, pairCount = anchors.count
        let scale = 4 * k, offset = 2 * (1 + k)
        // The columns each label's anchors sum over: every differently labelled row.
        var negativesOf: [Int: [Int]] = [:]
        for label in Set(labels) { negativesOf[label] = (0..<n).filter { referenceLabels[$0] != label } }
        /// The exponent of pair t at reference column j.
        @inline(__always) func exponent(_ ap: UnsafePointer<Scalar>, _ pp: UnsafePointer<Scalar>, _ t: Int, _ j: Int) -> Scalar {
            scale * (ap[anchors[t] * n + j] + pp[positives[t] * n + j]) - offset * cv.storage[t]
        }
        return Variable.record([a, p, c]) {
            guard av.rank == 2, pv.rank == 2, av.shape[1] == n, pv.shape[1] == n else {
                throw MetricLearningError(.shapeMismatch, "angular terms: products \(av.shape) and \(pv.shape) for \(n) references")
            }
            var lse = [Scalar](repeating: 0, count: pairCount)
            av.storage.withUnsafeBufferPointer { ab in
              pv.storage.withUnsafeBufferPointer { pb in
                lse.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let (ap, pp, out) = (ab.baseAddress!, pb.baseAddress!, out)
                    parallelFor(chunks, work: pairCount * n * 8) { chunk in
                        var e = [Scalar](repeating: 0, count: n)
                        for t in stride(from: chunk, to: pairCount, by: chunks) {
                            let columns = negativesOf[labels[anchors[t]]] ?? []
                            var m: Scalar = 0
                            for (i, j) in columns.enumerated() {
                                e[i] = exponent(ap, pp, t, j)
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
            }
            let values = Tensor<Scalar>(uncheckedShape: [pairCount], scalars: lse)
            return (values, { g in
                var anchorBuffers = [[Scalar]](repeating: [], count: chunks)
                var positiveBuffers = [[Scalar]](repeating: [], count: chunks)
                var dc = [Scalar](repeating: 0, count: pairCount)
                av.storage.withUnsafeBufferPointer { ab in
                  pv.storage.withUnsafeBufferPointer { pb in
                    anchorBuffers.withUnsafeMutableBufferPointer { abufs in
                      positiveBuffers.withUnsafeMutableBufferPointer { pbufs in
                        dc.withUnsafeMutableBufferPointer { dcb in
                            nonisolated(unsafe) let (ap, pp, abufs, pbufs, dcb) = (ab.baseAddress!, pb.baseAddress!, abufs, pbufs, dcb)
                            parallelFor(chunks, work: pairCount * n * 8) { chunk in
                                var gradA = [Scalar](repeating: 0, count: av.count)
                                var gradP = [Scalar](repeating: 0, count: pv.count)
                                var e = [Scalar](repeating: 0, count: n)
                                for t in stride(from: chunk, to: pairCount, by: chunks) where g.storage[t] != 0 {
                                    let columns = negativesOf[labels[anchors[t]]] ?? []
                                    let (ra, rp) = (anchors[t] * n, positives[t] * n)
                                    for (i, j) in columns.enumerated() { e[i] = exponent(ap, pp, t, j) - lse[t] }
                                    e.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: columns.count) }
                                    var weightSum: Scalar = 0
                                    let factor = g.storage[t] * scale
                                    for (i, j) in columns.enumerated() {
                                        weightSum += e[i]
                                        let dh = factor * e[i]
                                        gradA[ra + j] += dh
                                        gradP[rp + j] += dh
                                    }
                                    dcb[t] = -offset * g.storage[t] * weightSum
                                }
                                abufs[chunk] = gradA
                                pbufs[chunk] = gradP
                            }
                        }
                      }
                    }
                  }
                }
                func total(_ buffers: [[Scalar]], count: Int) -> [Scalar] {
                    var sum = buffers[0].isEmpty ? [Scalar](repeating: 0, count: count) : buffers[0]
                    for chunk in 1..<chunks where !buffers[chunk].isEmpty {
                        for i in 0..<count { sum[i] += buffers[chunk][i] }
                    }
                    return sum
                }
                return [Tensor(uncheckedShape: av.shape, scalars: total(anchorBuffers, count: av.count)),
                        Tensor(uncheckedShape: pv.shape, scalars: total(positiveBuffers, count: pv.count)),
                        Tensor(uncheckedShape: [pairCount], scalars: dc)]
            })
        }
    }
}
