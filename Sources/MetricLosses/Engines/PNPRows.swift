import TensorCore

/// The row kernel of `PNPLoss`: per anchor, the smoothed count of negatives ranked before
/// each of its positives and before itself, the variant's penalty of each count, and the
/// gradient of the anchor's mean penalty with respect to its row of the matrix and its
/// similarity to itself.
///
/// Anchor i with positives Pᵢ (|Pᵢ| ≥ 1) and negatives Nᵢ: for each j ∈ Pᵢ ∪ {i} (j = i with
/// the value `selfValues[i]`), zₖ = −(sᵢₖ − sᵢⱼ)/τ over k ∈ Nᵢ,
///
///     rᵢⱼ = Σₖ 1/(1 + e^clamp(zₖ, −50, 50)),   Lᵢ = Σⱼ f(rᵢⱼ) / (|Pᵢ| + 1)
///
/// ∂σₖ/∂sᵢₖ = σₖ(1 − σₖ)/τ where −50 ≤ zₖ ≤ 50 and 0 where clamped (as PyTorch's `clamp`),
/// and ∂σₖ/∂sᵢⱼ = −∂σₖ/∂sᵢₖ. Each anchor owns its row of the gradient, so the result does
/// not depend on the thread count.
///
/// - Complexity: O(Σᵢ (|Pᵢ| + 1)·|Nᵢ|) exponentials, O(N·M) memory.
@usableFromInline enum PNPRows {
    /// The loss, `offset` + the mean of Lᵢ over the anchors with a positive (0 without one),
    /// and its gradients for the `[N, M]` matrix and the N self-values; `penalty(r)` gives
    /// f(r) and f′(r).
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lossAndGradients<Scalar: TensorScalar>(
        matrix: Tensor<Scalar>, selfValues: Tensor<Scalar>, columns: AnchorColumns, temperature: Scalar, offset: Scalar,
        penalty: (Scalar) -> (value: Scalar, slope: Scalar)
    ) -> (value: Scalar, matrix: Tensor<Scalar>, selfValues: Tensor<Scalar>) {
        let (n, m) = (matrix.shape[0], matrix.shape[1])
        var matrixGradient = [Scalar](repeating: 0, count: n * m), selfGradient = [Scalar](repeating: 0, count: n)
        var terms = [Scalar](repeating: 0, count: n), counted = [Bool](repeating: false, count: n)
        // About 16 operations per (term, negative): the same-label count decides the work per row.
        var sameLabel: [Int: Int] = [:]
        for label in columns.pairing.referenceLabels { sameLabel[label, default: 0] += 1 }
        let work = columns.pairing.labels.reduce(0) { total, label in
            let p = sameLabel[label] ?? 0
            return total + 16 * (p + 1) * (m - p)
        }
        let selfStorage = selfValues.storage
        matrix.storage.withUnsafeBufferPointer { sb in
          matrixGradient.withUnsafeMutableBufferPointer { gb in
            selfGradient.withUnsafeMutableBufferPointer { ob in
              terms.withUnsafeMutableBufferPointer { tb in
                counted.withUnsafeMutableBufferPointer { cb in
                  nonisolated(unsafe) let (s, g, o, t, c) = (sb.baseAddress!, gb.baseAddress!, ob.baseAddress!, tb.baseAddress!, cb.baseAddress!)
                  _ = parallelRanges(n, work: work) { anchors in
                      // Per negative: its value, e^z, ∂σ/∂s, and the row's gradient.
                      let scratch = UnsafeMutablePointer<Scalar>.allocate(capacity: 4 * Swift.max(m, 1))
                      defer { scratch.deallocate() }
                      let (values, exponentials, slopes, negativeGradient) = (scratch, scratch + m, scratch + 2 * m, scratch + 3 * m)
                      for i in anchors {
                          let (positives, negatives) = columns.columns(of: i)
                          guard !positives.isEmpty else { continue }
                          let row = s + i * m, gradientRow = g + i * m, k = negatives.count
                          for (q, column) in negatives.enumerated() { values[q] = row[column] }
                          negativeGradient.update(repeating: 0, count: k)
                          var total: Scalar = 0
                          for term in 0...positives.count {
                              let own = term == positives.count, value = own ? selfStorage[i] : row[positives[term]]
                              for q in 0..<k { exponentials[q] = Swift.min(Swift.max(-(values[q] - value) / temperature, -50), 50) }
                              VectorExponential.apply(exponentials, count: k)
                              var count: Scalar = 0
                              for q in 0..<k {
                                  let e = exponentials[q], sigmoid = 1 / (1 + e)
                                  count += sigmoid
                                  let z = -(values[q] - value) / temperature
                                  slopes[q] = z >= -50 && z <= 50 ? sigmoid * (e * sigmoid) / temperature : 0
                              }
                              let (f, slope) = penalty(count)
                              total += f
                              guard slope != 0 else { continue }
                              var slopeSum: Scalar = 0
                              for q in 0..<k {
                                  negativeGradient[q] += slope * slopes[q]
                                  slopeSum += slopes[q]
                              }
                              if own { o[i] = -slope * slopeSum } else { gradientRow[positives[term]] = -slope * slopeSum }
                          }
                          for q in 0..<k { gradientRow[negatives[q]] = negativeGradient[q] }
                          let share = 1 / Scalar(positives.count + 1)
                          t[i] = total * share
                          for j in positives { gradientRow[j] *= share }
                          for q in negatives { gradientRow[q] *= share }
                          o[i] *= share
                          c[i] = true
                      }
                  }
                }
              }
            }
          }
        }
        let anchors = counted.lazy.filter { $0 }.count
        guard anchors > 0 else {
            return (0, Tensor(uncheckedShape: [n, m], scalars: matrixGradient), Tensor(uncheckedShape: [n], scalars: selfGradient))
        }
        let scale = 1 / Scalar(anchors)
        for index in matrixGradient.indices where matrixGradient[index] != 0 { matrixGradient[index] *= scale }
        for index in selfGradient.indices { selfGradient[index] *= scale }
        let mean = terms.reduce(0, +) / Scalar(anchors)
        return (offset + mean, Tensor(uncheckedShape: [n, m], scalars: matrixGradient), Tensor(uncheckedShape: [n], scalars: selfGradient))
    }
}
