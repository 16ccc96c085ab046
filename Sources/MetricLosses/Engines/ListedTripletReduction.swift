import TensorCore

/// The triplet margin loss over a list of triplets and its gradient with respect to the
/// `[N, M]` matrix of anchors against references, in one pass over the list.
///
/// Term t is relu(s·(d_ap − d_an) + margin), or softplus when smooth (s = −1 for a
/// similarity). The general path gathers every triplet's two values into tensors and records
/// an operation per step; for lists of millions (semi-hard mining of a large batch) those
/// tensors' allocation and page faults take most of the time. Here each anchor's triplets are
/// visited in list order by one thread, which owns the anchor's row of the gradient (both
/// entries a triplet touches lie in it), so the result does not depend on the thread count.
///
/// - Complexity: O(T + N·M) time; 4 bytes of index per triplet and the `[N, M]` gradient.
@usableFromInline enum ListedTripletReduction {
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lossAndGradient<Scalar: TensorScalar>(
        matrix: Tensor<Scalar>, triplets: [IndexTriplet], isSimilarity: Bool, margin: Scalar, smooth: Bool,
        reduction: TermReduction
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (n, m) = (matrix.shape[0], matrix.shape[1])
        // The triplets by anchor, list order kept within an anchor.
        let (starts, order) = AnchorTriplets.byAnchor(triplets, anchorCount: n)
        let sign: Scalar = isSimilarity ? -1 : 1
        let bounds = starts
        var gradient = [Scalar](repeating: 0, count: n * m)
        var sums = [Scalar](repeating: 0, count: n), nonZero = [Int](repeating: 0, count: n)
        matrix.storage.withUnsafeBufferPointer { db in
          gradient.withUnsafeMutableBufferPointer { gb in
            sums.withUnsafeMutableBufferPointer { sb in
              nonZero.withUnsafeMutableBufferPointer { zb in
                triplets.withUnsafeBufferPointer { tb in
                  order.withUnsafeBufferPointer { ob in
                    guard let d = db.baseAddress, let g = gb.baseAddress, let s = sb.baseAddress, let z = zb.baseAddress,
                          let list = tb.baseAddress, let o = ob.baseAddress else { return }
                    nonisolated(unsafe) let (values, out, anchorSums, anchorCounts, listed, byAnchor) = (d, g, s, z, list, o)
                    _ = parallelRanges(n, work: triplets.count * 16) { anchors in
                        for a in anchors {
                            let row = values + a * m, gradientRow = out + a * m
                            var sum: Scalar = 0, count = 0
                            for k in bounds[a]..<bounds[a + 1] {
                                let t = listed[Int(byAnchor[k])]
                                let (p, q) = (Int(t.positive), Int(t.negative))
                                let violation = sign * (row[p] - row[q]) + margin
                                let term = smooth ? Tensor<Scalar>.softplus(violation) : Swift.max(violation, 0)
                                let slope = smooth ? Tensor<Scalar>.sigmoid(violation) : (violation > 0 ? 1 : 0)
                                if term > 0 { count += 1 }
                                sum += term
                                if slope != 0 {
                                    gradientRow[p] += slope
                                    gradientRow[q] -= slope
                                }
                            }
                            anchorSums[a] = sum
                            anchorCounts[a] = count
                        }
                    }
                  }
                }
              }
            }
          }
        }
        let divisor: Scalar = reduction.divisor(count: triplets.count, nonZero: nonZero.reduce(0, +))
        guard divisor > 0 else {
            return (0, Tensor(uncheckedShape: [n, m], scalars: Array(repeating: 0, count: n * m)))
        }
        let scale = sign / divisor
        for i in gradient.indices where gradient[i] != 0 { gradient[i] *= scale }
        return (sums.reduce(0, +) / divisor, Tensor(uncheckedShape: [n, m], scalars: gradient))
    }
}
