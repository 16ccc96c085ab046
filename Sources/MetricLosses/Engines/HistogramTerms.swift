import TensorCore

/// The kernel of `HistogramLoss` over the dense `[N, M]` matrix: one term, from the
/// similarities at the listed positive and negative entries.
///
/// Each value s ∈ [−1, 1] falls in bin r = ⌊(s + 1)/δ⌋ of the n bins of width δ = 2/n and is
/// spread linearly over the bin's two nodes: (s + 1 − rδ)/δ to node r + 1 and
/// ((r + 1)δ − 1 − s)/δ to node r. Dividing by the entry count gives the densities p⁺ and p⁻
/// on the n + 1 nodes, and the term is Σₖ p⁻ₖ·Φ⁺ₖ with Φ⁺ the cumulative sum of p⁺. As PML,
/// the bin index is computed in `Float` (PML's `distances.float()`), the rest in `Scalar`
/// (PML's products rδ are in torch's default type: `Float`, or `Double` as in the fixtures).
///
/// With R⁻ⱼ = Σ_{k≥j} p⁻ₖ, a positive value in bin r has ∂L/∂s = (R⁻_{r+1} − R⁻ᵣ)/(δ·P) and a
/// negative one (Φ⁺_{r+1} − Φ⁺ᵣ)/(δ·Q), for P positive and Q negative entries: the forward
/// pass leaves these in the buffer (0 elsewhere), and the pullback scales them.
///
/// Values outside [−1, 1] (which PML's histogram cannot index) are clamped to it, with a
/// zero gradient; s = 1 exactly falls in the last bin.
///
/// - Complexity: O(N·M + n).
@usableFromInline struct HistogramTerms<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// Flat indices (row·M + column) of the positive entries, each once.
    @usableFromInline let positive: [Int]
    /// Flat indices of the negative entries, each once.
    @usableFromInline let negative: [Int]
    /// The number of bins n.
    @usableFromInline let binCount: Int

    @usableFromInline init(positive: [Int], negative: [Int], binCount: Int) {
        (self.positive, self.negative, self.binCount) = (positive, negative, binCount)
    }

    @usableFromInline var termCount: Int { 1 }

    /// One side's values: each one's bin, and whether it lay inside [−1, 1].
    struct Spread {
        var density: [Scalar]
        var bins: [Int]
        var inside: [Bool]
    }

    /// The density of `values` on the n + 1 nodes, with each value's bin.
    func spread(_ values: [Scalar]) -> Spread {
        let delta = Scalar(2 / Double(binCount)), deltaF = Float(2 / Double(binCount))
        var out = Spread(density: [Scalar](repeating: 0, count: binCount + 1), bins: [], inside: [])
        out.bins.reserveCapacity(values.count)
        out.inside.reserveCapacity(values.count)
        for value in values {
            let s = Swift.min(Swift.max(value, -1), 1)
            let r = Swift.min(Swift.max(Int(((Float(s) + 1) / deltaF).rounded(.down)), 0), binCount - 1)
            out.density[r + 1] += (s + 1 - Scalar(r) * delta) / delta
            out.density[r] += (Scalar(r + 1) * delta - 1 - s) / delta
            out.bins.append(r)
            out.inside.append(s == value)
        }
        let count = Scalar(values.count)
        for k in out.density.indices { out.density[k] /= count }
        return out
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        let plus = spread(positive.map { source[$0] }), minus = spread(negative.map { source[$0] })
        // Φ⁺ (cumulative from the left) and R⁻ (cumulative from the right).
        var phi = plus.density, rest = minus.density
        for k in 1..<phi.count { phi[k] += phi[k - 1] }
        for k in stride(from: rest.count - 2, through: 0, by: -1) { rest[k] += rest[k + 1] }
        var loss: Scalar = 0
        for k in phi.indices { loss += minus.density[k] * phi[k] }
        let delta = Scalar(2 / Double(binCount))
        target.update(repeating: 0, count: n * m)
        for (t, index) in positive.enumerated() where plus.inside[t] {
            let r = plus.bins[t]
            target[index] += (rest[r + 1] - rest[r]) / (delta * Scalar(positive.count))
        }
        for (t, index) in negative.enumerated() where minus.inside[t] {
            let r = minus.bins[t]
            target[index] += (phi[r + 1] - phi[r]) / (delta * Scalar(negative.count))
        }
        return ([loss], ())
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: Void, upstream: [Scalar], n: Int, m: Int) {
        let g = upstream[0]
        for k in 0..<(n * m) { buffer[k] *= g }
    }
}
