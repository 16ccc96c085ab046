import TensorCore

/// The row kernel of `ProxyNCALoss` over the `[N, C]` matrix of a batch against its proxies.
///
/// With logits zᵢⱼ = κ·(matrix entry), row i's term is the cross-entropy of its own proxy,
/// ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ, and its gradient row κ(softmax(zᵢ) − onehot(yᵢ)). The forward pass
/// leaves that gradient row (for an upstream of 1) in the buffer; the pullback scales each
/// row by its term's upstream. A row whose softmax probability of its own proxy underflows
/// to 0 (PML's `exp == 0`, a term of −ln 0) gets the term +∞ and a zero gradient row: the
/// loss leaves such terms out, as PML does.
///
/// - Complexity: O(N·C) time, the one `[N, C]` buffer.
@usableFromInline struct ProxyNCARows<Scalar: TensorScalar>: RowScaledKernel {
    /// Each row's proxy (class).
    @usableFromInline let labels: [Int]
    /// κ = ±softmaxScale: the sign turns a distance into a closeness.
    @usableFromInline let scale: Scalar

    @usableFromInline init(labels: [Int], scale: Scalar) {
        (self.labels, self.scale) = (labels, scale)
    }

    @usableFromInline var termCount: Int { labels.count }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        var terms = [Scalar](repeating: 0, count: n)
        terms.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let tp = tb.baseAddress!
            _ = parallelRanges(n, work: n * m * 16) { range in
                for i in range {
                    let row = source + i * m, e = target + i * m, y = labels[i]
                    for j in 0..<m { e[j] = scale * row[j] }
                    let top = Reductions.maximum(e, m, atLeast: -.infinity)
                    let own = e[y] - top
                    let sum = VectorExponential.applySummed(e, count: m, subtracting: top)
                    guard e[y] / sum > 0 else {
                        tp[i] = .infinity
                        e.update(repeating: 0, count: m)
                        continue
                    }
                    tp[i] = Scalar.log(sum) - own
                    let factor = scale / sum
                    for j in 0..<m { e[j] *= factor }
                    e[y] -= scale
                }
            }
        }
        return (terms, ())
    }
}
