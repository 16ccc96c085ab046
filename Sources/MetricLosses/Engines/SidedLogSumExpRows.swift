import TensorCore

/// Per anchor, a log-sum-exp over its positive pairs and one over its negative pairs of an
/// affine function of the matrix entries, as PML's `lmu.logsumexp(…, add_one=False)` over
/// masks: the row kernel of `GeneralizedLiftedStructureLoss`.
///
/// With the exponents k₊·v + b₊ at positives and k₋·v + b₋ at negatives, anchor i gives
///
///     Pᵢ = b₊ + ln Σ_{Pᵢ} e^(k₊·v),   Nᵢ = b₋ + ln Σ_{Nᵢ} e^(k₋·v)
///
/// (each shifted by its largest exponent), and 0 for a side without pairs (PML fills an
/// empty row with 0); the output is `[P₀ … P_{N−1}, N₀ … N_{N−1}]`. The gradient of a side
/// with respect to its entries is k times the softmax weights within the side.
///
/// The forward pass leaves the shifted exponentials of both sides in the row (0 elsewhere),
/// which the pullback scales into the gradient row in place; the target rows may be the
/// matrix rows themselves (the Gram path of `SoftmaxRows`).
///
/// - Complexity: O(N·M) time, one [N, M] buffer; no pair list and no masks.
@usableFromInline struct SidedLogSumExpRows<Scalar: TensorScalar>: SoftmaxRowKernel {
    @usableFromInline let pairs: DenseRowPairs
    /// (k₊, b₊) and (k₋, b₋).
    @usableFromInline let positive: (scale: Scalar, offset: Scalar), negative: (scale: Scalar, offset: Scalar)

    @usableFromInline init(_ pairs: DenseRowPairs, positive: (scale: Scalar, offset: Scalar), negative: (scale: Scalar, offset: Scalar)) {
        (self.pairs, self.positive, self.negative) = (pairs, positive, negative)
    }

    @usableFromInline var termCount: Int { 2 * pairs.pairing.labels.count }

    /// Per row, the sums of the shifted exponentials of the positive side (first N) and of
    /// the negative side (0 for a side without pairs).
    @usableFromInline typealias State = [Scalar]

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        var terms = [Scalar](repeating: 0, count: 2 * n), sums = [Scalar](repeating: 0, count: 2 * n)
        terms.withUnsafeMutableBufferPointer { tb in
            sums.withUnsafeMutableBufferPointer { sb in
                nonisolated(unsafe) let (tp, sp) = (tb.baseAddress!, sb.baseAddress!)
                _ = parallelRanges(n, work: n * m * 16) { range in
                    for i in range {
                        let row = source + i * m, e = target + i * m
                        // The positives' exponents, read before the row is overwritten (e may be row).
                        let positives = pairs.positives(of: i), exponents = positives.map { positive.scale * row[$0] }
                        pairs.groups.negativesRow(e, from: row, count: m, sign: negative.scale, anchor: i,
                                                  own: pairs.pairing.selfReference(of: i), excluded: -.infinity)
                        let top = Reductions.maximum(e, m, atLeast: -.infinity)
                        if top > -.infinity {
                            sp[n + i] = VectorExponential.applySummed(e, count: m, subtracting: top)
                            tp[n + i] = negative.offset + (top + Scalar.log(sp[n + i]))
                        } else {
                            e.update(repeating: 0, count: m)
                        }
                        guard !positives.isEmpty else { continue }
                        let high = exponents.reduce(-Scalar.infinity) { Swift.max($0, $1) }
                        var sum: Scalar = 0
                        for (j, x) in zip(positives, exponents) {
                            e[j] = Scalar.exp(x - high)
                            sum += e[j]
                        }
                        (sp[i], tp[i]) = (sum, positive.offset + (high + Scalar.log(sum)))
                    }
                }
            }
        }
        return (terms, sums)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int, m: Int) {
        rewritingRows(buffer, n: n, m: m) { i, row in
            // The positives' exponentials, kept while the row becomes the negatives' gradient.
            let positives = pairs.positives(of: i), weights = positives.map { row[$0] }
            _ = scaleSoftmaxRow(row, m: m, weight: upstream[n + i], sum: state[n + i], scale: negative.scale)
            let positiveFactor = state[i] > 0 ? positive.scale * upstream[i] / state[i] : 0
            for (j, w) in zip(positives, weights) { row[j] = w * positiveFactor }
        }
    }

    /// The sides over listed pairs, each (anchor, other) at most once, sorted by anchor:
    /// `values[t]` is the matrix entry of `pairs[t]`, `isPositive[t]` its kind.
    ///
    /// - Complexity: O(T) for T pairs.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func listed(
        _ values: Variable<Scalar>, pairs: [IndexPair], isPositive: [Bool], anchorCount n: Int,
        positive: (scale: Scalar, offset: Scalar), negative: (scale: Scalar, offset: Scalar)
    ) -> Variable<Scalar> {
        let v = values.value
        return Variable.record([values]) {
            guard v.count == pairs.count, isPositive.count == pairs.count else {
                throw MetricLearningError(.shapeMismatch, "sided log-sum-exps: \(v.count) values for \(pairs.count) pairs")
            }
            // Side s of anchor a is slot s·N + a; x its pairs' exponents.
            let slots = pairs.indices.map { (isPositive[$0] ? 0 : n) + Int(pairs[$0].anchor) }
            let x = pairs.indices.map { isPositive[$0] ? positive.scale * v.storage[$0] : negative.scale * v.storage[$0] }
            var tops = [Scalar](repeating: -.infinity, count: 2 * n), sums = [Scalar](repeating: 0, count: 2 * n)
            for (slot, exponent) in zip(slots, x) { tops[slot] = Swift.max(tops[slot], exponent) }
            for (slot, exponent) in zip(slots, x) { sums[slot] += Scalar.exp(exponent - tops[slot]) }
            let sides = (0..<(2 * n)).map { s in
                sums[s] > 0 ? (s < n ? positive.offset : negative.offset) + (tops[s] + Scalar.log(sums[s])) : 0
            }
            return (Tensor(uncheckedShape: [2 * n], scalars: sides), { g in
                let gradient = pairs.indices.map { t -> Scalar in
                    let s = slots[t], scale = isPositive[t] ? positive.scale : negative.scale
                    return scale * g.storage[s] * Scalar.exp(x[t] - tops[s]) / sums[s]
                }
                return [Tensor(uncheckedShape: [pairs.count], scalars: gradient)]
            })
        }
    }
}
