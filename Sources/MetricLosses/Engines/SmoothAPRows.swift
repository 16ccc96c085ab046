import TensorCore

/// The row kernel of `SmoothAPLoss` over the dense `[N, M]` similarity matrix.
///
/// Row i's positives P are the references with its label, its own copy included. With
/// σₖₗ = σ((s_il − s_ik)/τ), each positive k has the smoothed ranks
///
///     Aₖ = 1 + Σ_{l≠k} σₖₗ (all references),   Pₖ = 1 + Σ_{l≠k, l∈P} σₖₗ (positives)
///
/// and the term is wᵢ·(1 − APᵢ), APᵢ = (1/|P|) Σₖ Pₖ/Aₖ, for the anchor's weight wᵢ. The
/// forward pass keeps the row in the buffer and (Pₖ, Aₖ) in the state; the pullback
/// recomputes σₖₗ and writes, for c = −gᵢwᵢ/|P| · σₖₗ(1 − σₖₗ)/τ · ([l∈P]/Aₖ − Pₖ/Aₖ²),
/// c into entry l and −c into entry k. A row without positives has the term 0.
///
/// - Complexity: O(N·|P|·M) time for positive sets of size |P|, O(N·|P|) state.
@usableFromInline struct SmoothAPRows<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// Each anchor's positive columns.
    @usableFromInline let groups: SameLabelColumns
    /// Row i's ranks are entries `start[i]..<start[i + 1]` of the state.
    @usableFromInline let start: [Int]
    /// Each anchor's weight wᵢ.
    @usableFromInline let weights: [Scalar]
    /// 1/τ.
    @usableFromInline let scale: Scalar

    @usableFromInline init(labels: [Int], referenceLabels: [Int], weights: [Scalar], scale: Scalar) {
        groups = SameLabelColumns(labels: labels, referenceLabels: referenceLabels)
        var start = [0]
        for i in labels.indices { start.append(start[i] + groups.columns(of: i).count) }
        (self.start, self.weights, self.scale) = (start, weights, scale)
    }

    @usableFromInline var termCount: Int { weights.count }

    /// (Pₖ, Aₖ) of every anchor's positives, row after row.
    @usableFromInline struct State: Sendable {
        var positiveRanks: [Scalar]
        var allRanks: [Scalar]
    }

    /// Calls `body(k, l, σₖₗ, l ∈ P)` for every positive k of the row and every other column l.
    @inline(__always)
    func pairs(_ row: UnsafePointer<Scalar>, m: Int, positives: [Int], isPositive: UnsafePointer<Bool>,
               _ body: (_ k: Int, _ l: Int, _ sigma: Scalar, _ positive: Bool) -> Void) {
        for (t, k) in positives.enumerated() {
            let sk = row[k]
            for l in 0..<m where l != k { body(t, l, Tensor<Scalar>.sigmoid((row[l] - sk) * scale), isPositive[l]) }
        }
    }

    /// Runs `body` on each row range in parallel with a scratch mask of the row's positives.
    func rows(n: Int, m: Int, _ body: (Int, [Int], UnsafeMutablePointer<Bool>) -> Void) {
        _ = parallelRanges(n, work: (start[n] + n) * m * 8) { range in
            let mask = UnsafeMutablePointer<Bool>.allocate(capacity: m)
            defer { mask.deallocate() }
            mask.initialize(repeating: false, count: m)
            for i in range {
                let positives = groups.columns(of: i)
                for k in positives { mask[k] = true }
                body(i, positives, mask)
                for k in positives { mask[k] = false }
            }
        }
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        if UnsafePointer(target) != source { target.update(from: source, count: n * m) }
        var terms = [Scalar](repeating: 0, count: n)
        var state = State(positiveRanks: [Scalar](repeating: 1, count: start[n]), allRanks: [Scalar](repeating: 1, count: start[n]))
        terms.withUnsafeMutableBufferPointer { tb in
            state.positiveRanks.withUnsafeMutableBufferPointer { pb in
                state.allRanks.withUnsafeMutableBufferPointer { ab in
                    nonisolated(unsafe) let (tp, pp, ap, source) = (tb.baseAddress!, pb.baseAddress!, ab.baseAddress!, source)
                    rows(n: n, m: m) { i, positives, mask in
                        guard !positives.isEmpty else { return }
                        let first = start[i]
                        pairs(source + i * m, m: m, positives: positives, isPositive: mask) { t, _, sigma, positive in
                            ap[first + t] += sigma
                            if positive { pp[first + t] += sigma }
                        }
                        var precision: Scalar = 0
                        for t in positives.indices { precision += pp[first + t] / ap[first + t] }
                        tp[i] = (1 - precision / Scalar(positives.count)) * weights[i]
                    }
                }
            }
        }
        return (terms, state)
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        rows(n: n, m: m) { i, positives, mask in
            let row = buffer + i * m
            let factor = positives.isEmpty ? 0 : -upstream[i] * weights[i] / Scalar(positives.count)
            guard factor != 0 else { row.update(repeating: 0, count: m); return }
            let values = [Scalar](unsafeUninitializedCapacity: m) { b, count in
                b.baseAddress!.initialize(from: row, count: m)
                count = m
            }
            row.update(repeating: 0, count: m)
            let first = start[i]
            values.withUnsafeBufferPointer { v in
                pairs(v.baseAddress!, m: m, positives: positives, isPositive: mask) { t, l, sigma, positive in
                    let (p, a) = (state.positiveRanks[first + t], state.allRanks[first + t])
                    let c = factor * sigma * (1 - sigma) * scale * ((positive ? 1 / a : 0) - p / (a * a))
                    row[l] += c
                    row[positives[t]] -= c
                }
            }
        }
    }
}
