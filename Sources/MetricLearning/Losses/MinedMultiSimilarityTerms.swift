/// The multi-similarity loss's per-anchor terms over the pairs `MultiSimilarityMiner` would
/// keep, selected row by row from the same matrix instead of listed.
///
/// With closeness c = s (or −d) and b = base (or −base), anchor i keeps positives p with
/// c_ip − ε < maxₙ c_in and negatives n with c_in + ε > min_p c_ip (the miner's rule), and
/// its term is (1/α) ln(1 + Σ_p e^(−α(c_ip − b))) + (1/β) ln(1 + Σ_n e^(β(c_in − b))) — 0
/// when it has no positive or no negative. Negatives are handled as dense rows with −∞ at
/// the excluded entries (vectorised), positives through the label's member list.
///
/// - Complexity: O(N·M) time, O(M) scratch per thread; no pair list and no masks.
@usableFromInline enum MinedMultiSimilarityTerms {
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        matrix: Variable<Scalar>, pairing: ReferencePairing, epsilon: Scalar,
        alpha: Scalar, beta: Scalar, base: Scalar, isSimilarity: Bool
    ) -> Variable<Scalar> {
        let mv = matrix.value
        let rows = Rows(pairing: pairing, epsilon: epsilon, alpha: alpha, beta: beta,
                        sign: isSimilarity ? 1 : -1, base: base)
        return Variable.record([matrix]) {
            let (n, m) = try mv.matrixExtents("multi-similarity terms")
            guard n == pairing.labels.count, m == pairing.referenceLabels.count else {
                throw MetricLearningError(.shapeMismatch, "multi-similarity terms: matrix \(mv.shape) for \(n) anchors and \(m) references")
            }
            var positiveLse = [Scalar](repeating: 0, count: n), negativeLse = positiveLse
            mv.storage.withUnsafeBufferPointer { vb in
              positiveLse.withUnsafeMutableBufferPointer { pb in
                negativeLse.withUnsafeMutableBufferPointer { nb in
                    nonisolated(unsafe) let (values, pl, nl) = (vb.baseAddress!, pb.baseAddress!, nb.baseAddress!)
                    _ = parallelRanges(n, work: n * m * 16) { range in
                        let e = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                        defer { e.deallocate() }
                        for i in range { (pl[i], nl[i]) = rows.logSumExps(i, values + i * m, m, e) }
                    }
                }
              }
            }
            let terms = (0..<n).map { positiveLse[$0] / alpha + negativeLse[$0] / beta }
            return (Tensor(uncheckedShape: [n], scalars: terms), { g in
                let gradient = [Scalar](unsafeUninitializedCapacity: n * m) { gb, initialized in
                    mv.storage.withUnsafeBufferPointer { vb in
                        nonisolated(unsafe) let (values, out) = (vb.baseAddress!, gb.baseAddress!)
                        _ = parallelRanges(n, work: n * m * 16) { range in
                            for i in range {
                                rows.gradient(i, values + i * m, m, out + i * m, upstream: g.storage[i],
                                              positiveLse: positiveLse[i], negativeLse: negativeLse[i])
                            }
                        }
                    }
                    initialized = n * m
                }
                return [Tensor(uncheckedShape: [n, m], scalars: gradient)]
            })
        }
    }

    /// The selection and the per-row kernels.
    struct Rows<Scalar: TensorScalar>: Sendable {
        let pairing: ReferencePairing
        let groups: SameLabelColumns
        let epsilon: Scalar, alpha: Scalar, beta: Scalar, sign: Scalar, shiftedBase: Scalar

        init(pairing: ReferencePairing, epsilon: Scalar, alpha: Scalar, beta: Scalar, sign: Scalar, base: Scalar) {
            self.pairing = pairing
            self.groups = SameLabelColumns(labels: pairing.labels, referenceLabels: pairing.referenceLabels)
            (self.epsilon, self.alpha, self.beta, self.sign, self.shiftedBase) = (epsilon, alpha, beta, sign, sign * base)
        }

        /// Writes β(c_j − b) at the kept negatives of row i and −∞ elsewhere into e, and
        /// returns the kept positives' closeness values (nil when the row keeps nothing).
        @inline(__always)
        func select(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ e: UnsafeMutablePointer<Scalar>) -> [(column: Int, closeness: Scalar)]? {
            let own = pairing.selfReference(of: i)
            for j in 0..<m { e[j] = sign * row[j] }
            var leastClosePositive = Scalar.infinity
            let members = groups.columns(of: i)
            for j in members where j != own { leastClosePositive = Swift.min(leastClosePositive, e[j]) }
            for j in members { e[j] = -.infinity }
            if let own, own < m { e[own] = -.infinity }
            let closestNegative = Reductions.maximum(e, m, atLeast: -.infinity)
            guard leastClosePositive < .infinity, closestNegative > -.infinity else { return nil }
            // The miner's comparisons exactly: c + ε > least close positive, c − ε < closest negative.
            for j in 0..<m { e[j] = e[j] + epsilon > leastClosePositive ? beta * (e[j] - shiftedBase) : -.infinity }
            var positives: [(column: Int, closeness: Scalar)] = []
            for j in members where j != own && sign * row[j] - epsilon < closestNegative { positives.append((j, sign * row[j])) }
            return positives
        }

        /// (positive, negative) log-sum-exps of row i, each with a 0 in its set.
        func logSumExps(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ e: UnsafeMutablePointer<Scalar>) -> (Scalar, Scalar) {
            guard let positives = select(i, row, m, e) else { return (0, 0) }
            let top = Reductions.maximum(e, m, atLeast: 0)
            let negative = top + Scalar.log(Scalar.exp(-top) + VectorExponential.applySummed(e, count: m, subtracting: top))
            let exponents = positives.map { -alpha * ($0.closeness - shiftedBase) }
            let high = exponents.reduce(0) { Swift.max($0, $1) }
            let positive = high + Scalar.log(exponents.reduce(Scalar.exp(-high)) { $0 + Scalar.exp($1 - high) })
            return (positive, negative)
        }

        /// Row i of the gradient with respect to the matrix, written in full into `out`.
        func gradient(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ out: UnsafeMutablePointer<Scalar>,
                      upstream g: Scalar, positiveLse: Scalar, negativeLse: Scalar) {
            guard g != 0, let positives = select(i, row, m, out) else {
                out.initialize(repeating: 0, count: m)
                return
            }
            // ∂(lse/β)/∂c = softmax weight; ∂(lse/α)/∂c = −softmax weight; ∂/∂value = sign · ∂/∂c.
            _ = VectorExponential.applySummed(out, count: m, subtracting: negativeLse)
            let negativeFactor = sign * g
            for j in 0..<m { out[j] *= negativeFactor }
            for (j, c) in positives { out[j] -= sign * g * Scalar.exp(-alpha * (c - shiftedBase) - positiveLse) }
        }
    }
}
