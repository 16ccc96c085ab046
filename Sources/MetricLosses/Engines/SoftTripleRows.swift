import TensorCore

/// The row kernel of `SoftTripleLoss` over the `[N, C·K]` matrix of similarities between a
/// batch and the K centres of each of C classes (class c's centres are columns c·K..<(c + 1)·K).
///
/// Per row i and class c, with the centres' similarities s_k, their softmax weights
/// p_k = softmax(γ·s)_k and the class similarity S_c = Σ_k p_k s_k, the logits are
/// z_c = λ(S_c − δ·[c = yᵢ]) and the term is the cross-entropy ln Σ_c e^(z_c) − z_yᵢ. Its
/// derivative with respect to s_k of class c is
///
///     λ(q_c − [c = yᵢ]) · p_k (1 + γ(s_k − S_c)),   q = softmax(z)
///
/// which the forward pass leaves in the buffer (for an upstream of 1); the pullback scales
/// each row by its term's upstream. Softmaxes are shifted by their largest exponent.
///
/// The target rows may be the source rows: each thread works on a copy of its row.
///
/// - Complexity: O(N·C·K) time, the one `[N, C·K]` buffer and O(C·K) per thread.
@usableFromInline struct SoftTripleRows<Scalar: TensorScalar>: RowScaledKernel {
    /// Each row's class.
    @usableFromInline let labels: [Int]
    /// The number of classes C.
    @usableFromInline let classes: Int
    /// The scale λ of the class logits.
    @usableFromInline let scale: Scalar
    /// The factor γ of the centre similarities in their softmax (PML's 1/gamma).
    @usableFromInline let sharpness: Scalar
    /// The margin δ taken off the own class's similarity.
    @usableFromInline let margin: Scalar

    @usableFromInline init(labels: [Int], classes: Int, scale: Scalar, sharpness: Scalar, margin: Scalar) {
        (self.labels, self.classes, self.scale, self.sharpness, self.margin) = (labels, classes, scale, sharpness, margin)
    }

    @usableFromInline var termCount: Int { labels.count }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>, n: Int, m: Int) -> (terms: [Scalar], state: Void) {
        let (c, k) = (classes, m / classes)
        var terms = [Scalar](repeating: 0, count: n)
        terms.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let tp = tb.baseAddress!
            _ = parallelRanges(n, work: n * m * 16) { range in
                // Per class: the softmax's sum, the class similarity S_c, then the logit z_c and e^(z_c − max).
                let sums = UnsafeMutablePointer<Scalar>.allocate(capacity: c)
                let similarities = UnsafeMutablePointer<Scalar>.allocate(capacity: c)
                let logits = UnsafeMutablePointer<Scalar>.allocate(capacity: c)
                // A copy of the row's similarities (the target row may be the source row).
                let s = UnsafeMutablePointer<Scalar>.allocate(capacity: m)
                defer { sums.deallocate(); similarities.deallocate(); logits.deallocate(); s.deallocate() }
                for i in range {
                    let e = target + i * m, y = labels[i]
                    s.update(from: source + i * m, count: m)
                    // γ·s shifted by its largest value in each class's block (a plain loop: K is small).
                    for a in 0..<c {
                        let (block, centres) = (e + a * k, s + a * k)
                        var top = -Scalar.infinity
                        for j in 0..<k { top = Swift.max(top, sharpness * centres[j]) }
                        for j in 0..<k { block[j] = sharpness * centres[j] - top }
                    }
                    VectorExponential.apply(e, count: m)
                    for a in 0..<c {
                        let (block, centres) = (e + a * k, s + a * k)
                        var (sum, weighted): (Scalar, Scalar) = (0, 0)
                        for j in 0..<k { sum += block[j] }
                        for j in 0..<k { weighted += block[j] * centres[j] }
                        (sums[a], similarities[a]) = (sum, weighted / sum)
                        logits[a] = scale * (similarities[a] - (a == y ? margin : 0))
                    }
                    let own = logits[y]
                    let top = Reductions.maximum(logits, c, atLeast: -.infinity)
                    let total = VectorExponential.applySummed(logits, count: c, subtracting: top)
                    tp[i] = top + Scalar.log(total) - own
                    for a in 0..<c {
                        let (block, centres) = (e + a * k, s + a * k)
                        let classGradient = scale * (logits[a] / total - (a == y ? 1 : 0)) / sums[a]
                        let sa = similarities[a]
                        for j in 0..<k { block[j] *= classGradient * (1 + sharpness * (centres[j] - sa)) }
                    }
                }
            }
        }
        return (terms, ())
    }
}
