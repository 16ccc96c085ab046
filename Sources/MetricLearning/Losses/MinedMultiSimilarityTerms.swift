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
            // Row i of `weights` keeps exp(β(c − b) − topᵢ) at the kept negatives (0 elsewhere):
            // the pullback turns it into the gradient row in place.
            var positiveLse = [Scalar](repeating: 0, count: n), negativeLse = positiveLse, tops = positiveLse
            var closest = [Scalar](repeating: -.infinity, count: n)
            let buffer = PullbackBuffer([Scalar](unsafeUninitializedCapacity: n * m) { wb, initialized in
                mv.storage.withUnsafeBufferPointer { vb in
                  positiveLse.withUnsafeMutableBufferPointer { pb in
                    negativeLse.withUnsafeMutableBufferPointer { nb in
                      tops.withUnsafeMutableBufferPointer { tb in
                        closest.withUnsafeMutableBufferPointer { cb in
                            nonisolated(unsafe) let (values, w, pl, nl, tp, cl) = (vb.baseAddress!, wb.baseAddress!, pb.baseAddress!,
                                                                                   nb.baseAddress!, tb.baseAddress!, cb.baseAddress!)
                            _ = parallelRanges(n, work: n * m * 16) { range in
                                for i in range {
                                    (pl[i], nl[i], tp[i], cl[i]) = rows.forward(i, values + i * m, m, w + i * m)
                                }
                            }
                        }
                      }
                    }
                  }
                }
                initialized = n * m
            })
            let terms = (0..<n).map { positiveLse[$0] / alpha + negativeLse[$0] / beta }
            return (Tensor(uncheckedShape: [n], scalars: terms), { g in
                // The tape runs a pullback once; the buffer is then handed over without a copy.
                guard var gradient = buffer.take() else { return [nil] }
                gradient.withUnsafeMutableBufferPointer { gb in
                    mv.storage.withUnsafeBufferPointer { vb in
                        nonisolated(unsafe) let (values, out) = (vb.baseAddress!, gb.baseAddress!)
                        _ = parallelRanges(n, work: n * m * 2) { range in
                            for i in range {
                                rows.gradient(i, values + i * m, m, out + i * m, upstream: g.storage[i], positiveLse: positiveLse[i],
                                              negativeLse: negativeLse[i], top: tops[i], closestNegative: closest[i])
                            }
                        }
                    }
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
        /// returns the closest negative's closeness (nil when the row keeps nothing).
        @inline(__always)
        func selectNegatives(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ e: UnsafeMutablePointer<Scalar>) -> Scalar? {
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
            return closestNegative
        }

        /// The kept positives of row i: (column, closeness).
        func positives(_ i: Int, _ row: UnsafePointer<Scalar>, closestNegative: Scalar) -> [(column: Int, closeness: Scalar)] {
            let own = pairing.selfReference(of: i)
            return groups.columns(of: i).compactMap { j in
                j != own && sign * row[j] - epsilon < closestNegative ? (j, sign * row[j]) : nil
            }
        }

        /// Row i: (positive lse, negative lse, shift, closest negative), each lse with a 0 in
        /// its set, leaving exp(β(c − b) − shift) at the kept negatives of e (0 elsewhere).
        func forward(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ e: UnsafeMutablePointer<Scalar>)
            -> (Scalar, Scalar, Scalar, Scalar) {
            guard let closestNegative = selectNegatives(i, row, m, e) else {
                e.update(repeating: 0, count: m)
                return (0, 0, 0, -.infinity)
            }
            let top = Reductions.maximum(e, m, atLeast: 0)
            let negative = top + Scalar.log(Scalar.exp(-top) + VectorExponential.applySummed(e, count: m, subtracting: top))
            let exponents = positives(i, row, closestNegative: closestNegative).map { -alpha * ($0.closeness - shiftedBase) }
            let high = exponents.reduce(0) { Swift.max($0, $1) }
            let positive = high + Scalar.log(exponents.reduce(Scalar.exp(-high)) { $0 + Scalar.exp($1 - high) })
            return (positive, negative, top, closestNegative)
        }

        /// Turns row i of the forward exponentials in `out` into the gradient row.
        func gradient(_ i: Int, _ row: UnsafePointer<Scalar>, _ m: Int, _ out: UnsafeMutablePointer<Scalar>, upstream g: Scalar,
                      positiveLse: Scalar, negativeLse: Scalar, top: Scalar, closestNegative: Scalar) {
            guard g != 0, closestNegative > -.infinity else {
                out.update(repeating: 0, count: m)
                return
            }
            // ∂(lse/β)/∂c = softmax weight exp(x − lse) = e·exp(top − lse); ∂(lse/α)/∂c = −softmax
            // weight; ∂/∂value = sign · ∂/∂c.
            let negativeFactor = sign * g * Scalar.exp(top - negativeLse)
            for j in 0..<m { out[j] *= negativeFactor }
            for (j, c) in positives(i, row, closestNegative: closestNegative) {
                out[j] -= sign * g * Scalar.exp(-alpha * (c - shiftedBase) - positiveLse)
            }
        }
    }
}
