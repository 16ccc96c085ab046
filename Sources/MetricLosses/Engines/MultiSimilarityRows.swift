import TensorCore

/// The row kernels of `MinedMultiSimilarityTerms`: the miner's selection and the two
/// log-sum-exps of each anchor, and the gradient rows.
@usableFromInline struct MultiSimilarityRows<Scalar: TensorScalar>: Sendable {
    let pairing: ReferencePairing
    let groups: SameLabelColumns
    let epsilon: Scalar, alpha: Scalar, beta: Scalar, sign: Scalar, shiftedBase: Scalar

    @usableFromInline init(pairing: ReferencePairing, epsilon: Scalar, alpha: Scalar, beta: Scalar, sign: Scalar, base: Scalar) {
        self.pairing = pairing
        self.groups = SameLabelColumns(labels: pairing.labels, referenceLabels: pairing.referenceLabels)
        (self.epsilon, self.alpha, self.beta, self.sign, self.shiftedBase) = (epsilon, alpha, beta, sign, sign * base)
    }

    /// What the pullback needs from the forward pass, per anchor.
    @usableFromInline struct State: Sendable {
        var terms: [Scalar]
        var positiveLse: [Scalar], negativeLse: [Scalar], shifts: [Scalar]
        /// The kept positives: (column, closeness).
        var positives: [[(column: Int, closeness: Scalar)]]
        /// At most one positive and one negative pair were kept: PML's `GenericPairLoss`
        /// gives 0 then (terms 0, gradient 0).
        var vanishes = false
    }

    /// Runs every row from `source` rows into `out` rows (which may be the same memory).
    func forward(source: UnsafePointer<Scalar>, into out: inout [Scalar], n: Int, m: Int) -> State {
        out.withUnsafeMutableBufferPointer { ob in
            nonisolated(unsafe) let (source, target) = (source, ob.baseAddress!)
            return forward(n: n, m: m) { i in (source + i * m, target + i * m) }
        }
    }

    /// Runs every row of the square buffer in place.
    func forward(inPlace buffer: UnsafeMutablePointer<Scalar>, n: Int) -> State {
        nonisolated(unsafe) let buffer = buffer
        return forward(n: n, m: n) { i in (UnsafePointer(buffer + i * n), buffer + i * n) }
    }

    private func forward(n: Int, m: Int, rowsOf: (Int) -> (UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>)) -> State {
        var state = State(terms: [], positiveLse: [Scalar](repeating: 0, count: n), negativeLse: [Scalar](repeating: 0, count: n),
                          shifts: [Scalar](repeating: 0, count: n), positives: Array(repeating: [], count: n))
        withoutActuallyEscaping(rowsOf) { rowsOf in
            nonisolated(unsafe) let rowsOf = rowsOf
            let parts = parallelRanges(n, work: n * m * 16) { range in
                range.map { i -> (Scalar, Scalar, Scalar, [(column: Int, closeness: Scalar)], Bool) in
                    let (row, e) = rowsOf(i)
                    return forwardRow(i, row, m, e)
                }
            }
            var keptPositives = 0, singlePairAnchors = 0
            for (i, (positive, negative, shift, kept, singlePair)) in parts.joined().enumerated() {
                (state.positiveLse[i], state.negativeLse[i], state.shifts[i], state.positives[i]) = (positive, negative, shift, kept)
                keptPositives += kept.count
                singlePairAnchors += singlePair ? 1 : 0
            }
            // An anchor keeps pairs of both kinds or none (the closest negative and the least
            // close positive are kept together), so at most one pair of each is one anchor's.
            state.vanishes = keptPositives == 0 || (keptPositives == 1 && singlePairAnchors == 1)
        }
        state.terms = state.vanishes ? [Scalar](repeating: 0, count: n)
            : (0..<n).map { state.positiveLse[$0] / alpha + state.negativeLse[$0] / beta }
        return state
    }

    /// Row i: (positive lse, negative lse, shift, kept positives, whether exactly one pair
    /// of each kind is kept), each lse with a 0 in its set, leaving exp(β(c − b) − shift) at
    /// the kept negatives of e (0 elsewhere). `e` may be `row` itself: the row is read
    /// before it is written.
    func forwardRow(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ e: UnsafeMutablePointer<Scalar>)
        -> (Scalar, Scalar, Scalar, [(column: Int, closeness: Scalar)], Bool) {
        let own = pairing.selfReference(of: i)
        let members = groups.columns(of: i).filter { $0 != own }
        let memberCloseness = members.map { sign * row[$0] }
        let leastClosePositive = memberCloseness.min() ?? .infinity
        groups.negativesRow(e, from: row, count: m, sign: sign, anchor: i, own: own, excluded: -.infinity)
        let closestNegative = Reductions.maximum(e, m, atLeast: -.infinity)
        guard leastClosePositive < .infinity, closestNegative > -.infinity else {
            e.update(repeating: 0, count: m)
            return (0, 0, 0, [], false)
        }
        // The miner's comparisons exactly: c + ε > least close positive, c − ε < closest negative.
        for j in 0..<m { e[j] = e[j] + epsilon > leastClosePositive ? beta * (e[j] - shiftedBase) : -.infinity }
        let kept = zip(members, memberCloseness).filter { $0.1 - epsilon < closestNegative }.map { (column: $0.0, closeness: $0.1) }
        let singlePair = kept.count == 1 && (0..<m).lazy.filter { e[$0] > -.infinity }.prefix(2).count == 1
        // The largest kept exponent is the closest negative's (kept whenever any is), the same
        // arithmetic on the same number: no second pass for the maximum.
        let top = closestNegative + epsilon > leastClosePositive ? Swift.max(0, beta * (closestNegative - shiftedBase)) : 0
        let negative = top + Scalar.log(Scalar.exp(-top) + VectorExponential.applySummed(e, count: m, subtracting: top))
        let exponents = kept.map { -alpha * ($0.closeness - shiftedBase) }
        let high = exponents.reduce(0) { Swift.max($0, $1) }
        let positive = high + Scalar.log(exponents.reduce(Scalar.exp(-high)) { $0 + Scalar.exp($1 - high) })
        return (positive, negative, top, kept, singlePair)
    }

    /// Turns the forward exponentials in `buffer` into the gradient with respect to the matrix.
    func gradient(_ buffer: inout [Scalar], _ state: State, upstream: [Scalar], n: Int, m: Int) {
        guard !state.vanishes else { return buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        buffer.withUnsafeMutableBufferPointer { gb in
            nonisolated(unsafe) let out = gb.baseAddress!
            _ = parallelRanges(n, work: n * m * 2) { range in
                for i in range {
                    let row = out + i * m, g = upstream[i]
                    guard g != 0 else {
                        row.update(repeating: 0, count: m)
                        continue
                    }
                    // ∂(lse/β)/∂c = exp(x − lse) = e·exp(shift − lse); ∂(lse/α)/∂c = −softmax
                    // weight; ∂/∂value = sign · ∂/∂c.
                    let negativeFactor = sign * g * Scalar.exp(state.shifts[i] - state.negativeLse[i])
                    for j in 0..<m { row[j] *= negativeFactor }
                    for (j, c) in state.positives[i] {
                        row[j] -= sign * g * Scalar.exp(-alpha * (c - shiftedBase) - state.positiveLse[i])
                    }
                }
            }
        }
    }
}
