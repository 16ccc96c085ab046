import TensorCore

/// The per-anchor terms of the multi-similarity loss from the `[N, M]` matrix, fused.
///
/// With f = s − base (for a similarity; base − d for a distance), row i gives
/// (1/α) ln(1 + Σ_{Pᵢ} e^(−αf)) + (1/β) ln(1 + Σ_{Nᵢ} e^(βf)) over the masked entries.
/// One pass computes both log-sum-exps with vectorised exponentials; the pullback
/// recomputes the softmax weights instead of storing them, so the only `[N, M]` arrays
/// are the matrix and its gradient.
@usableFromInline enum MultiSimilarityTerms {
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        matrix: Variable<Scalar>, positiveMask: [Bool], negativeMask: [Bool],
        alpha: Scalar, beta: Scalar, base: Scalar, isSimilarity: Bool
    ) -> Variable<Scalar> {
        let mv = matrix.value
        let sign: Scalar = isSimilarity ? 1 : -1
        /// Row i's log-sum-exp (with a 0 in the set) of `scale · f` over `mask`; with
        /// `weights`, also writes ∂lse/∂f · `factor` into them.
        func rowTerm(_ i: Int, _ m: Int, _ mask: [Bool], _ scale: Scalar, _ lse: Scalar?, _ e: inout [Scalar],
                     _ columns: inout [Int], _ values: UnsafePointer<Scalar>, _ out: UnsafeMutablePointer<Scalar>?, _ factor: Scalar) -> Scalar {
            columns.removeAll(keepingCapacity: true)
            var top: Scalar = 0
            for j in 0..<m where mask[i * m + j] {
                let x = scale * (sign * values[i * m + j] - sign * base)
                e[columns.count] = x
                columns.append(j)
                top = Swift.max(top, x)
            }
            if columns.isEmpty { return 0 }
            let shift = lse ?? top
            for k in 0..<columns.count { e[k] -= shift }
            e.withUnsafeMutableBufferPointer { VectorExponential.apply($0.baseAddress!, count: columns.count) }
            if let out {
                for (k, j) in columns.enumerated() { out[i * m + j] += factor * e[k] }
                return 0
            }
            let total = Scalar.exp(-shift) + e.withUnsafeBufferPointer { Reductions.sum($0.baseAddress!, columns.count) }
            return shift + Scalar.log(total)
        }
        return Variable.record([matrix]) {
            let (n, m) = try mv.matrixExtents("multi-similarity terms")
            guard positiveMask.count == n * m, negativeMask.count == n * m else {
                throw MetricLearningError(.shapeMismatch, "multi-similarity terms: masks for \(n * m) entries expected")
            }
            let chunks = 16
            var positiveLse = [Scalar](repeating: 0, count: n), negativeLse = [Scalar](repeating: 0, count: n)
            mv.storage.withUnsafeBufferPointer { vb in
                positiveLse.withUnsafeMutableBufferPointer { pl in
                    negativeLse.withUnsafeMutableBufferPointer { nl in
                        nonisolated(unsafe) let (values, pl, nl) = (vb.baseAddress!, pl, nl)
                        parallelFor(chunks, work: n * m * 8) { chunk in
                            var e = [Scalar](repeating: 0, count: m), columns: [Int] = []
                            for i in stride(from: chunk, to: n, by: chunks) {
                                pl[i] = rowTerm(i, m, positiveMask, -alpha, nil, &e, &columns, values, nil, 0)
                                nl[i] = rowTerm(i, m, negativeMask, beta, nil, &e, &columns, values, nil, 0)
                            }
                        }
                    }
                }
            }
            let terms = (0..<n).map { positiveLse[$0] / alpha + negativeLse[$0] / beta }
            return (Tensor(uncheckedShape: [n], scalars: terms), { g in
                var gradient = [Scalar](repeating: 0, count: n * m)
                mv.storage.withUnsafeBufferPointer { vb in
                    gradient.withUnsafeMutableBufferPointer { gb in
                        nonisolated(unsafe) let (values, out) = (vb.baseAddress!, gb.baseAddress!)
                        parallelFor(chunks, work: n * m * 8) { chunk in
                            var e = [Scalar](repeating: 0, count: m), columns: [Int] = []
                            for i in stride(from: chunk, to: n, by: chunks) where g.storage[i] != 0 {
                                // ∂/∂value = sign · ∂/∂f; the positive side's exponent is −αf, the negative's βf.
                                _ = rowTerm(i, m, positiveMask, -alpha, positiveLse[i], &e, &columns, values, out, -sign * g.storage[i])
                                _ = rowTerm(i, m, negativeMask, beta, negativeLse[i], &e, &columns, values, out, sign * g.storage[i])
                            }
                        }
                    }
                }
                return [Tensor(uncheckedShape: [mv.shape[0], mv.shape[1]], scalars: gradient)]
            })
        }
    }
}
