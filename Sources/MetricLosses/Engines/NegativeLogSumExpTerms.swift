import TensorCore

/// Terms of positive pairs, each a function of the pair's own value and of a log-sum-exp
/// over the negative pairs of one or two anchors: the pair-based form of PML's
/// `LiftedStructureLoss` and `TupletMarginLoss`.
///
/// `values` holds the P positive pairs' values, then the Q negative pairs'. Negative pair q
/// of anchor a(q) has the exponent x_q = k·v_q + b. Positive pair t = (a, p) sees the
/// negatives of the anchors Uₜ = {a}, or {a, p} with `seesOther` (PML compares the
/// negatives' anchor index with p, so p counts as an anchor index here), and
///
///     Lₜ = ln Σ_{q : a(q) ∈ Uₜ} e^(x_q)       (−∞ when Uₜ has no negatives)
///     termₜ = f(Lₜ, vₜ)
///
/// Each anchor's sum is taken once, shifted by its largest exponent, and shared by every
/// pair that sees it: O(P + Q) instead of PML's P×Q matrix. In the pullback negative q
/// receives Σₜ gₜ·∂f/∂L·e^(x_q − Lₜ) over the pairs that see it, gathered per anchor as
/// e^(x_q − μ_a)·Σₜ gₜ·∂f/∂L·e^(μ_a − Lₜ), where μ_a ≤ Lₜ (no overflow). Pairs listed
/// more than once count as often as listed, as in PML.
///
/// - Complexity: O(P + Q) time and memory.
@usableFromInline enum NegativeLogSumExpTerms {
    /// The terms; `term(L, v)` gives f, ∂f/∂L and ∂f/∂v (∂f/∂L is not used where L = −∞).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func terms<Scalar: TensorScalar>(
        _ values: Variable<Scalar>, positive: [IndexPair], negativeAnchors: [Int32], anchorCount n: Int,
        scale k: Scalar, offset b: Scalar, seesOther: Bool, term: (Scalar, Scalar) -> (value: Scalar, dL: Scalar, dv: Scalar)
    ) -> Variable<Scalar> {
        let v = values.value
        let (p, q) = (positive.count, negativeAnchors.count)
        /// The anchors pair t sees.
        func seen(_ t: Int) -> (Int, Int?) {
            let (a, o) = (Int(positive[t].anchor), Int(positive[t].other))
            return (a, seesOther && o < n && o != a ? o : nil)
        }
        return Variable.record([values]) {
            guard v.count == p + q else {
                throw MetricLearningError(.shapeMismatch, "negative log-sum-exp terms: \(v.count) values for \(p + q) pairs")
            }
            var shifts = [Scalar](repeating: -.infinity, count: n), sums = [Scalar](repeating: 0, count: n)
            let x = (0..<q).map { k * v.storage[p + $0] + b }
            for (i, a) in negativeAnchors.enumerated() { shifts[Int(a)] = Swift.max(shifts[Int(a)], x[i]) }
            let e = (0..<q).map { Scalar.exp(x[$0] - shifts[Int(negativeAnchors[$0])]) }
            for (i, a) in negativeAnchors.enumerated() { sums[Int(a)] += e[i] }
            var lse = [Scalar](repeating: -.infinity, count: p), terms = lse, dL = lse, dv = lse
            for t in 0..<p {
                let (a, other) = seen(t)
                let top = Swift.max(shifts[a], other.map { shifts[$0] } ?? -.infinity)
                if top > -.infinity {
                    let total = sums[a] * Scalar.exp(shifts[a] - top) + (other.map { sums[$0] * Scalar.exp(shifts[$0] - top) } ?? 0)
                    lse[t] = top + Scalar.log(total)
                }
                (terms[t], dL[t], dv[t]) = term(lse[t], v.storage[t])
            }
            return (Tensor(uncheckedShape: [p], scalars: terms), { g in
                var gradient = [Scalar](repeating: 0, count: p + q), weights = [Scalar](repeating: 0, count: n)
                for t in 0..<p {
                    gradient[t] = g.storage[t] * dv[t]
                    let c = g.storage[t] * dL[t]
                    guard c != 0, lse[t] > -.infinity else { continue }
                    let (a, other) = seen(t)
                    if shifts[a] > -.infinity { weights[a] += c * Scalar.exp(shifts[a] - lse[t]) }
                    if let other, shifts[other] > -.infinity { weights[other] += c * Scalar.exp(shifts[other] - lse[t]) }
                }
                for (i, a) in negativeAnchors.enumerated() { gradient[p + i] = k * weights[Int(a)] * e[i] }
                return [Tensor(uncheckedShape: [p + q], scalars: gradient)]
            })
        }
    }
}
