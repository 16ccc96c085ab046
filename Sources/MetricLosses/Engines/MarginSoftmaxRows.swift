import TensorCore

/// The row kernel of the margin softmax losses (`ArcFaceLoss`, `CosFaceLoss`,
/// `SubCenterArcFaceLoss`, `NormalizedSoftmaxLoss`) over the `[N, C]` matrix of cosines
/// between the embeddings and the class vectors.
///
/// Row i's logits are zⱼ = s·cos θⱼ, the target's z_y = s·ψ(cos θ_y) with ψ the margin
/// (`Margin`); the term is the cross-entropy ℓᵢ = ln Σⱼ e^(zⱼ) − z_y, and
///
///     ∂ℓᵢ/∂cos θⱼ = s·(pⱼ − δⱼy)·(j = y ? ψ′(cos θ_y) : 1),   pⱼ = e^(zⱼ − ln Σ e^z)
///
/// The forward pass leaves e^(zⱼ − max z) in the row, which the pullback scales into the
/// gradient row in place.
///
/// - Complexity: O(N·C) time, one `[N, C]` buffer.
@usableFromInline struct MarginSoftmaxRows<Scalar: TensorScalar>: SoftmaxRowKernel {
    /// The target logit's margin ψ, a function of cos θ_y.
    @usableFromInline enum Margin: Sendable {
        /// ψ(c) = c (normalised softmax).
        case none
        /// ψ(c) = c − m (CosFace).
        case subtracted(Scalar)
        /// ψ(c) = cos(θ + m) for θ = arccos c ≤ π − m, else c − m·sin m (ArcFace; m in radians).
        case angular(Scalar)

        /// ψ(c) and ψ′(c). As PyTorch, c is clamped to [−1, 1] and ψ′ is 0 outside; ArcFace's
        /// ψ′ = cos m + c·sin m / sin θ divides by sin θ floored at √ε, so it stays finite where
        /// cos θ = ±1 exactly (PyTorch's is infinite there).
        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        @usableFromInline func callAsFunction(_ cosine: Scalar) -> (value: Scalar, derivative: Scalar) {
            switch self {
            case .none: return (cosine, 1)
            case .subtracted(let m): return (cosine - m, 1)
            case .angular(let m):
                let c = Swift.min(Swift.max(cosine, -1), 1), inside: Scalar = c == cosine ? 1 : 0
                let theta = Scalar.acos(c), sinM = Scalar.cos(.pi / 2 - m)
                guard theta <= .pi - m else { return (Scalar.cos(theta) - m * sinM, inside) }
                let sinTheta = Swift.max((1 - c * c).squareRoot(), Scalar.ulpOfOne.squareRoot())
                return (Scalar.cos(theta + m), inside * (Scalar.cos(m) + c * sinM / sinTheta))
            }
        }
    }

    @usableFromInline let labels: [Int]
    /// The factor s on every logit.
    @usableFromInline let scale: Scalar
    @usableFromInline let margin: Margin

    @usableFromInline init(labels: [Int], scale: Scalar, margin: Margin) {
        (self.labels, self.scale, self.margin) = (labels, scale, margin)
    }

    @usableFromInline var termCount: Int { labels.count }

    /// Per row, the sum of the shifted exponentials and ψ′ at the target.
    @usableFromInline struct State: Sendable {
        var sums: [Scalar]
        var derivatives: [Scalar]
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: State) {
        var terms = [Scalar](repeating: 0, count: n), sums = terms, derivatives = terms
        terms.withUnsafeMutableBufferPointer { tb in
            sums.withUnsafeMutableBufferPointer { sb in
                derivatives.withUnsafeMutableBufferPointer { db in
                    nonisolated(unsafe) let (tp, sp, dp) = (tb.baseAddress!, sb.baseAddress!, db.baseAddress!)
                    _ = parallelRanges(n, work: n * m * 16) { range in
                        for i in range {
                            let row = source + i * m, e = target + i * m, y = labels[i]
                            let (psi, derivative) = margin(row[y])
                            for j in 0..<m { e[j] = scale * row[j] }
                            e[y] = scale * psi
                            let top = Reductions.maximum(UnsafePointer(e), m, atLeast: -.infinity)
                            let targetLogit = e[y]
                            let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                            (tp[i], sp[i], dp[i]) = (top + Scalar.log(sum) - targetLogit, sum, derivative)
                        }
                    }
                }
            }
        }
        return (terms, State(sums: sums, derivatives: derivatives))
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func gradient(_ buffer: UnsafeMutablePointer<Scalar>, _ state: State, upstream: [Scalar], n: Int, m: Int) {
        nonisolated(unsafe) let buffer = buffer
        _ = parallelRanges(n, work: n * m * 2) { range in
            for i in range {
                let row = buffer + i * m, y = labels[i]
                let factor = scale * upstream[i] / state.sums[i]
                for j in 0..<m { row[j] *= factor }
                row[y] = (row[y] - scale * upstream[i]) * state.derivatives[i]
            }
        }
    }
}
