import TensorCore

/// The row kernel of `CircleLoss` over every pair of the batch.
///
/// Row i's positives p and negatives n of similarities s have the exponents
/// x_p = (−γ·relu(1 + m − s_p))·(s_p − Δₚ) and x_n = (γ·relu(s_n + m))·(s_n − Δₙ) (PML's
/// order of operations), the term softplus(zᵢ), zᵢ = ln Σₚ e^(x_p) + ln Σₙ e^(x_n), each
/// log-sum-exp shifted by its largest exponent; with αₚ, αₙ held constant (PML detaches
/// them) and σ the logistic function:
///
///     ∂Lᵢ/∂s_p = −γ·relu(1 + m − s_p)·σ(zᵢ)·e^(x_p)/Σₚ e^(x_p)
///     ∂Lᵢ/∂s_n =  γ·relu(s_n + m)·σ(zᵢ)·e^(x_n)/Σₙ e^(x_n)
///
/// which the forward pass leaves in the row (for an upstream of 1); the pullback scales each
/// row by its term's upstream. A row without a positive or without a negative has the term
/// 0 and a zero gradient row. Each thread keeps a copy of the row it works on (the target
/// row may be the source row: the Gram path of `SoftmaxRows`).
///
/// - Complexity: O(N·M) time, the one `[N, M]` buffer and O(M) per thread.
@usableFromInline struct CircleRows<Scalar: TensorScalar>: RowScaledKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// The relaxation m and the scale γ.
    @usableFromInline let margin: Scalar, gamma: Scalar

    @usableFromInline init(_ pairs: DenseRowPairs, margin: Scalar, gamma: Scalar) {
        (self.pairs, self.margin, self.gamma) = (pairs, margin, gamma)
    }

    @usableFromInline var termCount: Int { pairs.pairing.labels.count }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        // PML's op = 1 + m, on = −m, Δₚ = 1 − m, Δₙ = m.
        let (optimumP, optimumN, deltaP, deltaN) = (1 + margin, -margin, 1 - margin, margin)
        var terms = [Scalar](repeating: 0, count: n)
        terms.withUnsafeMutableBufferPointer { tb in
            pairs.pairing.referenceLabels.withUnsafeBufferPointer { rb in
                nonisolated(unsafe) let (tp, referenceLabels) = (tb.baseAddress!, rb.baseAddress!)
                _ = parallelRanges(n, work: n * m * 16) { range in
                    let kept = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                    defer { kept.deallocate() }
                    for i in range {
                        let row = source + i * m, e = target + i * m
                        let positives = pairs.positives(of: i)
                        let own = pairs.pairing.selfReference(of: i).flatMap { $0 < m ? $0 : nil }
                        let ownIsOther = own.map { referenceLabels[$0] != pairs.pairing.labels[i] } ?? false
                        let negativeCount = m - pairs.groups.columns(of: i).count - (ownIsOther ? 1 : 0)
                        guard !positives.isEmpty, negativeCount > 0 else {
                            e.update(repeating: 0, count: m)
                            continue
                        }
                        kept.update(from: row, count: m)
                        for j in 0..<m {
                            let s = kept[j]
                            e[j] = gamma * Swift.max(s - optimumN, 0) * (s - deltaN)
                        }
                        pairs.groups.negativesRow(e, from: e, count: m, sign: 1, anchor: i, own: own, excluded: -.infinity)
                        let top = Reductions.maximum(e, m, atLeast: -.infinity)
                        let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                        let exponents = positives.map { -gamma * Swift.max(optimumP - kept[$0], 0) * (kept[$0] - deltaP) }
                        let high = exponents.reduce(-Scalar.infinity) { Swift.max($0, $1) }
                        let shares = exponents.map { Scalar.exp($0 - high) }
                        let positiveSum = shares.reduce(0, +)
                        let z = (high + Scalar.log(positiveSum)) + (top + Scalar.log(sum))
                        tp[i] = Tensor<Scalar>.softplus(z)
                        let weight = Tensor<Scalar>.sigmoid(z)
                        let (negativeFactor, positiveFactor) = (weight / sum, weight / positiveSum)
                        for j in 0..<m { e[j] *= negativeFactor * (gamma * Swift.max(kept[j] - optimumN, 0)) }
                        for (p, share) in zip(positives, shares) {
                            e[p] = positiveFactor * share * (-gamma * Swift.max(optimumP - kept[p], 0))
                        }
                    }
                }
            }
        }
        return (terms, ())
    }
}
