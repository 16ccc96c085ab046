import TensorCore

/// The multi-similarity loss's per-anchor terms over the pairs `MultiSimilarityMiner` would
/// keep, selected row by row from the same matrix instead of listed.
///
/// With closeness c = s (or −d) and b = base (or −base), anchor i keeps positives p with
/// c_ip − ε < maxₙ c_in and negatives n with c_in + ε > min_p c_ip (the miner's rule), and
/// its term is (1/α) ln(1 + Σ_p e^(−α(c_ip − b))) + (1/β) ln(1 + Σ_n e^(β(c_in − b))) — 0
/// when it has no positive or no negative. Negatives are handled as dense rows with −∞ at
/// the excluded entries (vectorised), positives through the label's member list. The
/// forward pass leaves the negatives' exponentials in an [N, M] buffer that the pullback
/// turns into the gradient in place.
///
/// - Complexity: O(N·M) time, one [N, M] buffer; no pair list and no masks.
@usableFromInline enum MinedMultiSimilarityTerms {
    /// The terms from a matrix of similarities or distances between the batch and its references.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        matrix: Variable<Scalar>, pairing: ReferencePairing, epsilon: Scalar,
        alpha: Scalar, beta: Scalar, base: Scalar, isSimilarity: Bool
    ) -> Variable<Scalar> {
        let mv = matrix.value
        let rows = MultiSimilarityRows<Scalar>(pairing: pairing, epsilon: epsilon, alpha: alpha, beta: beta,
                                                sign: isSimilarity ? 1 : -1, base: base)
        return Variable.record([matrix]) {
            let (n, m) = try mv.matrixExtents("multi-similarity terms")
            guard n == pairing.labels.count, m == pairing.referenceLabels.count else {
                throw MetricLearningError(.shapeMismatch, "multi-similarity terms: matrix \(mv.shape) for \(n) anchors and \(m) references")
            }
            var buffer = [Scalar](zeroedCount: n * m)
            let state = mv.storage.withUnsafeBufferPointer { rows.forward(source: $0.baseAddress!, into: &buffer, n: n, m: m) }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [n], scalars: state.terms), { g in
                guard var gradient = owned.take() else { return [nil] }
                rows.gradient(&gradient, state, upstream: g.storage, n: n, m: m)
                return [Tensor(uncheckedShape: [n, m], scalars: gradient)]
            })
        }
    }

    /// The terms for a batch against itself under a dot-product similarity of `x`'s rows
    /// (x normalised: cosine). The Gram matrix X·Xᵀ is computed here — the same numbers a
    /// miner gets — and its buffer becomes the exponentials and then the gradient, which
    /// the Gram pullback, (∂S + ∂Sᵀ)·X, reads (the sum is taken while packing): one [N, N]
    /// buffer per step.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        gramOf x: Variable<Scalar>, pairing: ReferencePairing, epsilon: Scalar,
        alpha: Scalar, beta: Scalar, base: Scalar
    ) -> Variable<Scalar> {
        let xv = x.value
        let rows = MultiSimilarityRows<Scalar>(pairing: pairing, epsilon: epsilon, alpha: alpha, beta: beta, sign: 1, base: base)
        return Variable.record([x]) {
            let n = try xv.matrixExtents("multi-similarity terms").rows
            guard n == pairing.labels.count, pairing.referenceLabels.count == n, pairing.selfOffset == 0 else {
                throw MetricLearningError(.shapeMismatch, "multi-similarity terms: \(n) rows for \(pairing.labels.count) anchors")
            }
            // The product is a temporary: its storage is this buffer's alone.
            var buffer = try matmul(xv, xv, transposeB: true).storage
            let state = buffer.withUnsafeMutableBufferPointer { source in
                // Rows are read before they are overwritten, each by its own task.
                nonisolated(unsafe) let pointer = source.baseAddress!
                return rows.forward(inPlace: pointer, n: n)
            }
            let owned = PullbackBuffer(buffer)
            return (Tensor(uncheckedShape: [n], scalars: state.terms), { g in
                guard var gradient = owned.take() else { return [nil] }
                rows.gradient(&gradient, state, upstream: g.storage, n: n, m: n)
                let dx = try? symmetrizedProduct(Tensor(uncheckedShape: [n, n], scalars: gradient), xv)
                ScratchMemory.recycle(consume gradient)  // dead after the product; the next step's buffer
                return [dx]
            })
        }
    }
}
