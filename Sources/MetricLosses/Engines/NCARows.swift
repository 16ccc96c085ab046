import TensorCore

/// The row kernel of `NCALoss` over every pair of the batch.
///
/// With x = κ·(matrix entry), anchor i with positives Pᵢ (|Pᵢ| > 0) has the term
///
///     Lᵢ = ℓᵢ − ℓᵢ⁺,   ℓᵢ = ln Σ_{j ≠ i} e^(x_ij),   ℓᵢ⁺ = ln Σ_{Pᵢ} e^(x_ip)
///
/// (−ln of the softmax mass on the positives), each log-sum-exp shifted by its own largest
/// exponent, so a positive mass too small for the scalar type still gives a finite term.
/// With gᵢ the gradient of the term and wᵢₚ = e^(x_ip − ℓᵢ⁺):
///
///     ∂L/∂x_ij = gᵢ·( e^(x_ij − ℓᵢ) − [j ∈ Pᵢ]·wᵢⱼ )
///
/// The forward pass leaves e^(x_ij − μᵢ) in each row (0 at the anchor's own copy), which the
/// pullback scales into the gradient row in place. Rows without positives have no term; a
/// row without negatives has the term 0 (its softmax mass is all on the positives) and a
/// zero gradient.
///
/// - Complexity: O(N·M) time, one [N, M] buffer and O(P) for the P positive pairs.
@usableFromInline struct NCARows<Scalar: TensorScalar>: ScaledRowKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// κ: the softmax scale, negative for a distance.
    @usableFromInline let scale: Scalar
    /// The rows with a positive, in increasing order: term t belongs to row `termRows[t]`.
    @usableFromInline let termRows: [Int]
    /// Per row, the index of its term (nil for a row without positives).
    @usableFromInline let termOfRow: [Int?]

    @usableFromInline init(_ pairs: DenseRowPairs, scale: Scalar) {
        (self.pairs, self.scale) = (pairs, scale)
        (termRows, termOfRow) = pairs.rowsWithPositives()
    }

    @usableFromInline var termCount: Int { termRows.count }

    /// NT-Xent's form: per term, the sum of its row's shifted exponentials (0 for a zero
    /// gradient); per positive pair, its share wᵢₚ of the positives' mass.
    @usableFromInline typealias State = NTXentRows<Scalar>.State

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        var terms = [Scalar](repeating: 0, count: termCount), sums = terms
        var weights = [Scalar](repeating: 0, count: pairs.positiveCount)
        terms.withUnsafeMutableBufferPointer { tb in
            sums.withUnsafeMutableBufferPointer { sb in
                weights.withUnsafeMutableBufferPointer { wb in
                    nonisolated(unsafe) let (tp, sp, wp) = (tb.baseAddress, sb.baseAddress, wb.baseAddress)
                    _ = parallelRanges(n, work: n * m * 16) { range in
                        for i in range {
                            let row = source + i * m, e = target + i * m
                            let positives = pairs.positives(of: i), first = pairs.positiveStart[i]
                            let own = pairs.pairing.selfReference(of: i).flatMap { $0 < m ? $0 : nil }
                            // No positive: no term. No negative: the term 0. Both with a zero gradient.
                            guard let t = termOfRow[i], positives.count < m - (own == nil ? 0 : 1) else {
                                e.update(repeating: 0, count: m)
                                continue
                            }
                            let w = wp! + first, count = positives.count
                            for (k, p) in positives.enumerated() { w[k] = scale * row[p] }
                            for j in 0..<m { e[j] = scale * row[j] }
                            if let own { e[own] = -.infinity }
                            let top = Reductions.maximum(e, m, atLeast: -.infinity)
                            let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                            let positiveTop = Reductions.maximum(w, count, atLeast: -.infinity)
                            let positiveSum = VectorExponential.applySummed(w, count: count, subtracting: positiveTop)
                            for k in 0..<count { w[k] /= positiveSum }
                            (tp![t], sp![t]) = (top + Scalar.log(sum) - positiveTop - Scalar.log(positiveSum), sum)
                        }
                    }
                }
            }
        }
        return (terms, State(sums: sums, weights: weights))
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledGradient(_ state: State, upstream: [Scalar], n: Int, m: Int) -> ScaledRows<Scalar> {
        let factors = (0..<n).map { i in termOfRow[i].map { softmaxRowFactor(weight: upstream[$0], sum: state.sums[$0], scale: scale) } ?? 0 }
        var values = [Scalar](repeating: 0, count: pairs.positiveCount)
        for i in 0..<n {
            guard let t = termOfRow[i], upstream[t] != 0 && state.sums[t] > 0 else { continue }
            let g = upstream[t]
            for k in pairs.positiveStart[i]..<pairs.positiveStart[i + 1] { values[k] = -(scale * g * state.weights[k]) }
        }
        return ScaledRows(factors: factors, positivesOf: pairs, values: values)
    }
}
