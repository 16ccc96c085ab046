import TensorCore

/// The row kernel of `SupConLoss` over every pair of the batch, and its form over listed pairs.
///
/// With x = κ·(matrix entry), κ = ±1/τ, anchor i with positives Pᵢ (|Pᵢ| > 0) and negatives
/// Nᵢ has the term Lᵢ = ℓᵢ − (1/|Pᵢ|) Σ_{Pᵢ} x_ip, ℓᵢ = ln Σ_{Pᵢ ∪ Nᵢ} e^(x_ij) (shifted by
/// the row's largest exponent); an anchor without positives has the term 0. With gᵢ the
/// gradient of the term:
///
///     ∂L/∂x_ij = gᵢ·( e^(x_ij − ℓᵢ) − [j ∈ Pᵢ]/|Pᵢ| )
///
/// The forward pass leaves e^(x_ij − μᵢ) in each row (0 at the anchor's own copy), which
/// the pullback scales into the gradient row in place.
///
/// - Complexity: O(N·M) time, one [N, M] buffer.
@usableFromInline struct SupConRows<Scalar: TensorScalar>: ScaledRowKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// κ = ±1/τ: the sign turns a distance into a closeness.
    @usableFromInline let scale: Scalar

    @usableFromInline init(_ pairs: DenseRowPairs, scale: Scalar) {
        (self.pairs, self.scale) = (pairs, scale)
    }

    @usableFromInline var termCount: Int { pairs.pairing.labels.count }

    /// Per row, the sum of the shifted exponentials (0 for a row without positives).
    @usableFromInline typealias State = [Scalar]

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        var terms = [Scalar](repeating: 0, count: n), sums = [Scalar](repeating: 0, count: n)
        terms.withUnsafeMutableBufferPointer { tb in
            sums.withUnsafeMutableBufferPointer { sb in
                nonisolated(unsafe) let (tp, sp) = (tb.baseAddress!, sb.baseAddress!)
                _ = parallelRanges(n, work: n * m * 16) { range in
                    for i in range {
                        let row = source + i * m, e = target + i * m
                        let positives = pairs.positives(of: i)
                        guard !positives.isEmpty else {
                            e.update(repeating: 0, count: m)
                            continue
                        }
                        for j in 0..<m { e[j] = scale * row[j] }
                        if let own = pairs.pairing.selfReference(of: i), own < m { e[own] = -.infinity }
                        var positiveSum: Scalar = 0
                        for p in positives { positiveSum += e[p] }
                        let top = Reductions.maximum(e, m, atLeast: -.infinity)
                        let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                        sp[i] = sum
                        tp[i] = top + Scalar.log(sum) - positiveSum / Scalar(positives.count)
                    }
                }
            }
        }
        return (terms, sums)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func scaledGradient(_ state: State, upstream: [Scalar], n: Int, m: Int) -> ScaledRows<Scalar> {
        let factors = (0..<n).map { softmaxRowFactor(weight: upstream[$0], sum: state[$0], scale: scale) }
        var values = [Scalar](repeating: 0, count: pairs.positiveCount)
        for i in 0..<n where upstream[i] != 0 && state[i] > 0 {
            let range = pairs.positiveStart[i]..<pairs.positiveStart[i + 1]
            let share = scale * upstream[i] / Scalar(range.count)
            for k in range { values[k] = -share }
        }
        return ScaledRows(factors: factors, positivesOf: pairs, values: values)
    }

    /// The terms over listed pairs, each (anchor, other) at most once, sorted by anchor:
    /// `values[t]` is the matrix entry of `pairs[t]`, `isPositive[t]` its kind.
    ///
    /// - Complexity: O(T) for T pairs.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func listed(_ values: Variable<Scalar>, pairs: [IndexPair], isPositive: [Bool], anchorCount n: Int, scale: Scalar) -> Variable<Scalar> {
        let v = values.value
        return Variable.record([values]) {
            guard v.count == pairs.count, isPositive.count == pairs.count else {
                throw MetricLearningError(.shapeMismatch, "SupCon terms: \(v.count) values for \(pairs.count) pairs")
            }
            let x = v.storage.map { scale * $0 }
            var start = [Int](repeating: 0, count: n + 1)
            for pair in pairs { start[Int(pair.anchor) + 1] += 1 }
            for a in 0..<n { start[a + 1] += start[a] }
            var terms = [Scalar](repeating: 0, count: n), lse = [Scalar](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
            for a in 0..<n {
                let range = start[a]..<start[a + 1]
                var positiveSum: Scalar = 0
                for t in range where isPositive[t] {
                    positiveSum += x[t]
                    counts[a] += 1
                }
                guard counts[a] > 0 else { continue }
                let top = range.reduce(-Scalar.infinity) { Swift.max($0, x[$1]) }
                let sum = range.reduce(Scalar(0)) { $0 + Scalar.exp(x[$1] - top) }
                lse[a] = top + Scalar.log(sum)
                terms[a] = lse[a] - positiveSum / Scalar(counts[a])
            }
            return (Tensor(uncheckedShape: [n], scalars: terms), { g in
                var gradient = [Scalar](repeating: 0, count: pairs.count)
                for a in 0..<n where counts[a] > 0 && g.storage[a] != 0 {
                    let ga = scale * g.storage[a], share = 1 / Scalar(counts[a])
                    for t in start[a]..<start[a + 1] {
                        gradient[t] = ga * (Scalar.exp(x[t] - lse[a]) - (isPositive[t] ? share : 0))
                    }
                }
                return [Tensor(uncheckedShape: [pairs.count], scalars: gradient)]
            })
        }
    }
}
