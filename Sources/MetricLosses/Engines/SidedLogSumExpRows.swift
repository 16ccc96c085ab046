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
    /// Whether the rows are Euclidean distances d whose gradient the pullback gives with
    /// respect to d² instead: the forward pass leaves each exponential times 1/(2d) (0 at
    /// d = 0), so no distance need be kept (see `terms(_:euclideanOf:)`).
    @usableFromInline let foldsDistanceRoot: Bool

    @usableFromInline init(_ pairs: DenseRowPairs, positive: (scale: Scalar, offset: Scalar), negative: (scale: Scalar, offset: Scalar),
                           foldsDistanceRoot: Bool = false) {
        (self.pairs, self.positive, self.negative, self.foldsDistanceRoot) = (pairs, positive, negative, foldsDistanceRoot)
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
                    // The row's exponents, kept while the row becomes exponentials (when folding).
                    let kept = UnsafeMutablePointer<Scalar>.allocate(capacity: foldsDistanceRoot ? m : 0)
                    defer { kept.deallocate() }
                    for i in range {
                        let row = source + i * m, e = target + i * m
                        // The positives' exponents, read before the row is overwritten (e may be row).
                        let positives = pairs.positives(of: i), exponents = positives.map { positive.scale * row[$0] }
                        pairs.groups.negativesRow(e, from: row, count: m, sign: negative.scale, anchor: i,
                                                  own: pairs.pairing.selfReference(of: i), excluded: -.infinity)
                        let top = Reductions.maximum(e, m, atLeast: -.infinity)
                        if top > -.infinity {
                            if foldsDistanceRoot { kept.update(from: e, count: m) }
                            sp[n + i] = VectorExponential.applySummed(e, count: m, subtracting: top)
                            tp[n + i] = negative.offset + (top + Scalar.log(sp[n + i]))
                            if foldsDistanceRoot { for j in 0..<m { e[j] *= Self.halfReciprocal(kept[j] / negative.scale) } }
                        } else {
                            e.update(repeating: 0, count: m)
                        }
                        guard !positives.isEmpty else { continue }
                        let high = exponents.reduce(-Scalar.infinity) { Swift.max($0, $1) }
                        var sum: Scalar = 0
                        for (j, x) in zip(positives, exponents) {
                            let w = Scalar.exp(x - high)
                            sum += w
                            e[j] = foldsDistanceRoot ? w * Self.halfReciprocal(x / positive.scale) : w
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

    /// 1/(2d) for a distance d > 0 (∂d/∂d²), else 0 (as the distance's own pullback at 0).
    @inline(__always) static func halfReciprocal(_ d: Scalar) -> Scalar { d > 0 ? 1 / (2 * d) : 0 }

    /// The sides over the Euclidean distances of the rows of `x` against themselves, in one
    /// operation: the distance matrix's own buffer becomes the exponentials, folded with
    /// 1/(2d) (the kernel must fold, `foldsDistanceRoot`), and then ∂/∂d², which the
    /// squared distance's pullback turns into ∂/∂x. One [N, N] buffer and no pass for g/(2d),
    /// against two buffers and that pass when the distance records its own pullback.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms(_ kernel: Self, euclideanOf x: Variable<Scalar>) -> Variable<Scalar> {
        assert(kernel.foldsDistanceRoot, "the kernel must fold 1/(2d)")
        let xv = x.value
        return Variable.record([x]) {
            let n = try xv.matrixExtents("sided log-sum-exps").rows
            // The matrix is a temporary: its storage is this buffer's alone.
            var buffer = try DistanceMatrix.compute(xv, xv, root: true).storage
            let (terms, state) = buffer.withUnsafeMutableBufferPointer { b in
                kernel.forward(source: UnsafePointer(b.baseAddress!), target: b.baseAddress!, n: n, m: n)
            }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [terms.count], scalars: terms), { g in
                guard var gradient = owned.take() else { return [nil] }
                gradient.withUnsafeMutableBufferPointer { kernel.gradient($0.baseAddress!, state, upstream: g.storage, n: n, m: n) }
                let dx = PairwiseDistancePullback.side(xv, xv, Tensor(uncheckedShape: [n, n], scalars: gradient), transposeG: false, symmetrized: true)
                ScratchMemory.recycle(consume gradient)  // dead after the product; the next step's buffer
                return [dx]
            })
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
