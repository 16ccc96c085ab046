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

    /// Writes σₖₗ into `sigma[l]` for every column l of the row, and 0 at l = k: one
    /// vectorised exponential e^(−|x|) per entry, then 1/(1 + e) or e/(1 + e) by x's sign.
    @inline(__always)
    func sigmoids(_ row: UnsafePointer<Scalar>, m: Int, k: Int, into sigma: UnsafeMutablePointer<Scalar>) {
        let sk = row[k]
        for l in 0..<m { sigma[l] = -Swift.abs((row[l] - sk) * scale) }
        VectorExponential.apply(sigma, count: m)
        for l in 0..<m {
            let e = sigma[l]
            sigma[l] = (row[l] >= sk ? 1 : e) / (1 + e)
        }
        sigma[k] = 0
    }

    /// Runs `body(i, positives, sigma)` for each row in parallel ranges, with a scratch row.
    func rows(n: Int, m: Int, _ body: (Int, ArraySlice<Int>, UnsafeMutablePointer<Scalar>) -> Void) {
        _ = parallelRanges(n, work: (start[n] + n) * m * 16) { range in
            let sigma = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
            defer { sigma.deallocate() }
            for i in range { body(i, groups.columns(of: i), sigma) }
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
                    rows(n: n, m: m) { i, positives, sigma in
                        guard !positives.isEmpty else { return }
                        var precision: Scalar = 0
                        for (t, k) in positives.enumerated() {
                            sigmoids(source + i * m, m: m, k: k, into: sigma)
                            var (all, positive): (Scalar, Scalar) = (1, 1)
                            for l in 0..<m { all += sigma[l] }
                            for l in positives { positive += sigma[l] }
                            (pp[start[i] + t], ap[start[i] + t]) = (positive, all)
                            precision += positive / all
                        }
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
        rows(n: n, m: m) { i, positives, sigma in
            let row = buffer + i * m
            let factor = positives.isEmpty ? 0 : -upstream[i] * weights[i] / Scalar(positives.count) * scale
            guard factor != 0 else { row.update(repeating: 0, count: m); return }
            let values = [Scalar](unsafeUninitializedCapacity: m) { b, count in
                b.baseAddress!.initialize(from: row, count: m)
                count = m
            }
            row.update(repeating: 0, count: m)
            values.withUnsafeBufferPointer { v in
                for (t, k) in positives.enumerated() {
                    sigmoids(v.baseAddress!, m: m, k: k, into: sigma)
                    let (p, a) = (state.positiveRanks[start[i] + t], state.allRanks[start[i] + t])
                    // ∂(Pₖ/Aₖ)/∂σₖₗ = [l ∈ P]/Aₖ − Pₖ/Aₖ², and ∂σₖₗ/∂s_il = −∂σₖₗ/∂s_ik = σ(1 − σ)/τ.
                    let (everyColumn, positiveColumn) = (-factor * p / (a * a), factor / a)
                    var total: Scalar = 0
                    for l in 0..<m {
                        let c = everyColumn * sigma[l] * (1 - sigma[l])
                        (row[l], total) = (row[l] + c, total + c)
                    }
                    for l in positives {
                        let c = positiveColumn * sigma[l] * (1 - sigma[l])
                        (row[l], total) = (row[l] + c, total + c)
                    }
                    row[k] -= total
                }
            }
        }
    }
}
