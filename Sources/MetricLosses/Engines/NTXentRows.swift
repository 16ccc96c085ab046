import TensorCore

/// The row kernel of `NTXentLoss` over every pair of the batch, and its form over listed pairs.
///
/// With x = κ·(matrix entry), κ = ±1/τ, anchor i's negatives n give one log-sum-exp
/// ℓᵢ = ln Σₙ e^(x_in), computed once per row (shifted by the row's largest negative
/// exponent), and each positive pair (i, p) the term softplus(ℓᵢ − x_ip), whose weight
/// wᵢₚ = σ(ℓᵢ − x_ip) is kept for the pullback:
///
///     ∂L/∂x_ip = −g_ip·wᵢₚ,   ∂L/∂x_in = (Σₚ g_ip·wᵢₚ)·e^(x_in − ℓᵢ)
///
/// The forward pass leaves e^(x_in − μᵢ) at the negatives of each row (0 elsewhere), which
/// the pullback scales into the gradient row in place (a `ScaledRowKernel`: the positives
/// are its listed entries). An anchor without negatives has
/// ℓᵢ = −∞: terms 0, gradient 0.
///
/// - Complexity: O(N·M) time, one [N, M] buffer, O(P) for the P positive pairs; never a
///   positive × negative matrix.
@usableFromInline struct NTXentRows<Scalar: TensorScalar>: ScaledRowKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// κ = ±1/τ: the sign turns a distance into a closeness.
    @usableFromInline let scale: Scalar

    @usableFromInline init(_ pairs: DenseRowPairs, scale: Scalar) {
        (self.pairs, self.scale) = (pairs, scale)
    }

    @usableFromInline var termCount: Int { pairs.positiveCount }

    /// Per row, the sum of the shifted exponentials; per positive pair, its weight σ(ℓᵢ − x_ip).
    @usableFromInline struct State: Sendable {
        var sums: [Scalar]
        var weights: [Scalar]
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        let count = pairs.positiveCount
        var terms = [Scalar](repeating: 0, count: count), weights = [Scalar](repeating: 0, count: count)
        var sums = [Scalar](repeating: 0, count: n)
        terms.withUnsafeMutableBufferPointer { tb in
            weights.withUnsafeMutableBufferPointer { wb in
                sums.withUnsafeMutableBufferPointer { sb in
                    nonisolated(unsafe) let (tp, wp, sp) = (tb.baseAddress, wb.baseAddress, sb.baseAddress!)
                    _ = parallelRanges(n, work: n * m * 16) { range in
                        for i in range {
                            let row = source + i * m, e = target + i * m
                            let positives = pairs.positives(of: i), first = pairs.positiveStart[i]
                            // The positives' exponents, read before the row is overwritten.
                            for (k, p) in positives.enumerated() { tp![first + k] = scale * row[p] }
                            pairs.groups.negativesRow(e, from: row, count: m, sign: scale, anchor: i,
                                                      own: pairs.pairing.selfReference(of: i), excluded: -.infinity)
                            let top = Reductions.maximum(e, m, atLeast: -.infinity)
                            var lse = -Scalar.infinity
                            if top > -.infinity {
                                let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                                (sp[i], lse) = (sum, top + Scalar.log(sum))
                            } else {
                                e.update(repeating: 0, count: m)
                            }
                            for k in first..<(first + positives.count) {
                                let z = lse - tp![k]
                                (tp![k], wp![k]) = (Tensor<Scalar>.softplus(z), Tensor<Scalar>.sigmoid(z))
                            }
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
        let factors = (0..<n).map { i -> Scalar in
            var weight: Scalar = 0
            for k in pairs.positiveStart[i]..<pairs.positiveStart[i + 1] { weight += upstream[k] * state.weights[k] }
            return softmaxRowFactor(weight: weight, sum: state.sums[i], scale: scale)
        }
        return ScaledRows(factors: factors, positivesOf: pairs, values: zip(upstream, state.weights).map { -(scale * $0 * $1) })
    }

    /// The terms over listed pairs: `values` holds the matrix entries of the positive pairs,
    /// then of the negative pairs (repeats kept: each listed positive pair is a term, each
    /// listed negative pair enters its anchor's sum as often as it is listed).
    ///
    /// - Complexity: O(P + Q) for P positive and Q negative pairs.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func listed(_ values: Variable<Scalar>, positive: [IndexPair], negative: [IndexPair], anchorCount n: Int, scale: Scalar) -> Variable<Scalar> {
        let v = values.value
        let (p, q) = (positive.count, negative.count)
        return Variable.record([values]) {
            guard v.count == p + q else {
                throw MetricLearningError(.shapeMismatch, "NT-Xent terms: \(v.count) values for \(p) positive and \(q) negative pairs")
            }
            let x = v.storage
            var top = [Scalar](repeating: -.infinity, count: n), sums = [Scalar](repeating: 0, count: n)
            for (t, pair) in negative.enumerated() { top[Int(pair.anchor)] = Swift.max(top[Int(pair.anchor)], scale * x[p + t]) }
            for (t, pair) in negative.enumerated() {
                let a = Int(pair.anchor)
                sums[a] += Scalar.exp(scale * x[p + t] - top[a])
            }
            let lse = (0..<n).map { sums[$0] > 0 ? top[$0] + Scalar.log(sums[$0]) : -.infinity }
            var terms = [Scalar](repeating: 0, count: p), weights = [Scalar](repeating: 0, count: p)
            for (k, pair) in positive.enumerated() {
                let z = lse[Int(pair.anchor)] - scale * x[k]
                (terms[k], weights[k]) = (Tensor<Scalar>.softplus(z), Tensor<Scalar>.sigmoid(z))
            }
            return (Tensor(uncheckedShape: [p], scalars: terms), { g in
                var gradient = [Scalar](repeating: 0, count: p + q), rowWeights = [Scalar](repeating: 0, count: n)
                for (k, pair) in positive.enumerated() {
                    let gw = g.storage[k] * weights[k]
                    gradient[k] = -scale * gw
                    rowWeights[Int(pair.anchor)] += gw
                }
                for (t, pair) in negative.enumerated() {
                    let a = Int(pair.anchor)
                    if rowWeights[a] != 0 { gradient[p + t] = scale * rowWeights[a] * Scalar.exp(scale * x[p + t] - lse[a]) }
                }
                return [Tensor(uncheckedShape: [p + q], scalars: gradient)]
            })
        }
    }
}
