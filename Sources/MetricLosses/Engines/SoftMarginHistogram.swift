import TensorCore

/// The kernel of `DynamicSoftMarginLoss`: the histogram update of one call and the loss
/// weighted by its cumulative distribution, with the gradient through both.
///
/// Triplet t has xₜ = d_ap − d_an at position pₜ = (xₜ − min)/δ; its bin is bₜ = ⌊pₜ⌋ and
/// αₜ = pₜ − bₜ. The call's histogram is h = H/S, S = Σₖ Hₖ, with
///
///     H = (1 − μ)·h₀ + μ·Σₜ ((1 − αₜ)·e(bₜ) + αₜ·e(bₜ + 1)),   C = cumsum(h)
///     L = (1/T) Σₜ C[bₜ]·xₜ
///
/// (μ = 1 when h₀ is zero, as PML). With Xⱼ the sum of the xₜ in bin j, the histogram's
/// part of the gradient telescopes: ∂L/∂xₜ = (C[bₜ] − (μ/δ)·X[bₜ]/S)/T.
///
/// PML's domain is 0 ≤ pₜ < bins − 1 (outside it PyTorch's `scatter_add` raises an index
/// error). Outside it here pₜ is clamped to [0, bins − 1], so the triplet lies wholly in
/// the first or last bin, and αₜ is held constant: value and gradient are continuous at the
/// domain's ends and equal PML's inside it.
///
/// - Complexity: O(T + N·bins) for T triplets; partial sums per block of anchors (a split
///   that never depends on the threads), each anchor's gradient row written by one thread.
@usableFromInline enum SoftMarginHistogram {
    /// The loss, ∂L/∂matrix and the histogram h the call leaves.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lossAndGradient<Scalar: TensorScalar>(
        matrix: Tensor<Scalar>, triplets: AnchorTriplets, histogram previous: [Scalar], minimum: Scalar, momentum: Scalar
    ) -> (value: Scalar, gradient: Tensor<Scalar>, histogram: [Scalar]) {
        let (n, m) = (matrix.shape[0], matrix.shape[1]), bins = previous.count
        let delta = 2 * Swift.abs(minimum) / Scalar(bins), last = Scalar(bins - 1)
        /// The bin, α, and whether α moves with x (PML's domain); p < bins − 1, so Int(p) = ⌊p⌋.
        @inline(__always) func locate(_ x: Scalar) -> (bin: Int, fraction: Scalar, moves: Bool) {
            let p = (x - minimum) / delta
            guard p >= 0 else { return (0, 0, false) }
            guard p < last else { return (bins - 1, 0, false) }
            let bin = truncated(p)
            return (bin.integer, p - bin.value, true)
        }
        let count = Scalar(triplets.count)
        // Per block of anchors: the spread weights (unscaled by μ) and Xⱼ, summed anchor by anchor.
        let parts = matrix.storage.withUnsafeBufferPointer { db in
            nonisolated(unsafe) let d = db.baseAddress!
            return parallelRanges(n, work: triplets.count * 8) { anchors in
                var weights = [Scalar](repeating: 0, count: bins + 1), sums = weights
                var anchorWeights = weights, anchorSums = weights, x: [Scalar] = []
                for a in anchors {
                    triplets.differences(of: a, row: d + a * m, into: &x)
                    for k in 0...bins { (anchorWeights[k], anchorSums[k]) = (0, 0) }
                    for value in x {
                        let (bin, alpha, _) = locate(value)
                        anchorWeights[bin] += 1 - alpha
                        anchorWeights[bin + 1] += alpha
                        anchorSums[bin] += value
                    }
                    for k in 0...bins {
                        weights[k] += anchorWeights[k]
                        sums[k] += anchorSums[k]
                    }
                }
                return (weights, sums)
            }
        }
        var spread = [Scalar](repeating: 0, count: bins + 1), binSums = spread
        for (weights, sums) in parts {
            for k in 0...bins {
                spread[k] += weights[k]
                binSums[k] += sums[k]
            }
        }
        let mu = previous.contains { $0 != 0 } ? momentum : 1
        let raw = (0..<bins).map { (1 - mu) * previous[$0] + mu * spread[$0] }
        let total = raw.reduce(0, +)
        let histogram = raw.map { $0 / total }
        var cumulative = histogram
        for k in 1..<Swift.max(bins, 1) { cumulative[k] += cumulative[k - 1] }
        let value = (0..<bins).reduce(Scalar(0)) { $0 + cumulative[$1] * binSums[$1] } / count
        // ∂L/∂xₜ by bin: C[b] for every triplet, less (μ/δ)·X[b]/S where α moves.
        let fixed = cumulative.map { $0 / count }
        let moving = (0..<bins).map { (cumulative[$0] - mu / delta * binSums[$0] / total) / count }
        var gradient = [Scalar](zeroedCount: n * m)
        matrix.storage.withUnsafeBufferPointer { db in
            gradient.withUnsafeMutableBufferPointer { gb in
                nonisolated(unsafe) let (d, g) = (db.baseAddress!, gb.baseAddress!)
                _ = parallelRanges(n, work: triplets.count * 8) { anchors in
                    var x: [Scalar] = []
                    for a in anchors {
                        triplets.differences(of: a, row: d + a * m, into: &x)
                        for t in x.indices {
                            let (bin, _, moves) = locate(x[t])
                            x[t] = moves ? moving[bin] : fixed[bin]
                        }
                        triplets.scatter(x, of: a, into: g + a * m)
                    }
                }
            }
        }
        return (value, Tensor(uncheckedShape: [n, m], scalars: gradient), histogram)
    }

    /// x rounded toward zero, as an integer and as a scalar, with `Float`'s and `Double`'s own
    /// conversions (the generic `Int(_:)` took a third of the time).
    @inline(__always)
    static func truncated<Scalar: TensorScalar>(_ x: Scalar) -> (integer: Int, value: Scalar) {
        if Scalar.self == Float.self {
            let i = Int(x as! Float)
            return (i, Float(i) as! Scalar)
        }
        if Scalar.self == Double.self {
            let i = Int(x as! Double)
            return (i, Double(i) as! Scalar)
        }
        let i = Int(x)
        return (i, Scalar(i))
    }
}
