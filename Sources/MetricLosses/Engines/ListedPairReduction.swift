import TensorCore

/// The contrastive loss over pairs and its gradient with respect to the `[N, M]` matrix of
/// anchors against references, straight from the matrix: no per-pair tensors.
///
/// Positive terms relu(d − m₊), negative terms relu(m₋ − d) (relu(m₊ − s) and relu(s − m₋)
/// for a similarity s), each kind reduced on its own and the two added, as PML does. The
/// pairs are every pair of the batch (`pairs` nil: by label, never an anchor with itself) or
/// lists grouped by anchor. A first pass over the rows sums the terms, a second writes each
/// row's gradient once the divisors are known; every row belongs to one thread and is
/// visited in a fixed order, so the result does not depend on the thread count.
///
/// - Complexity: O(N·M + P) time for P listed pairs; the `[N, M]` gradient and O(P) indices.
@usableFromInline enum ListedPairReduction {
    /// The pairs of each anchor, positive then negative, in list order (a counting sort).
    struct GroupedPairs {
        let positiveStarts: [Int], positives: [Int32]
        let negativeStarts: [Int], negatives: [Int32]

        init(positive: [IndexPair], negative: [IndexPair], anchors n: Int) {
            (positiveStarts, positives) = Self.grouped(positive, anchors: n)
            (negativeStarts, negatives) = Self.grouped(negative, anchors: n)
        }

        static func grouped(_ pairs: [IndexPair], anchors n: Int) -> ([Int], [Int32]) {
            var starts = [Int](repeating: 0, count: n + 1)
            for pair in pairs { starts[Int(pair.anchor) + 1] += 1 }
            for a in 0..<n { starts[a + 1] += starts[a] }
            var next = Array(starts.dropLast()), others = [Int32](repeating: 0, count: pairs.count)
            for pair in pairs {
                others[next[Int(pair.anchor)]] = pair.other
                next[Int(pair.anchor)] += 1
            }
            return (starts, others)
        }
    }

    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lossAndGradient<Scalar: TensorScalar>(
        matrix: Tensor<Scalar>, pairs: (positive: [IndexPair], negative: [IndexPair])?, pairing: ReferencePairing,
        isSimilarity: Bool, positiveMargin: Scalar, negativeMargin: Scalar, reduction: TermReduction
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (n, m) = (matrix.shape[0], matrix.shape[1])
        let grouped = pairs.map { GroupedPairs(positive: $0.positive, negative: $0.negative, anchors: n) }
        let (labels, references) = (pairing.labels, pairing.referenceLabels)
        // The term of a value and its derivative with respect to the value.
        let sign: Scalar = isSimilarity ? -1 : 1
        @inline(__always) func positiveTerm(_ d: Scalar) -> (term: Scalar, slope: Scalar) {
            let v = sign * d - sign * positiveMargin
            return v > 0 ? (v, sign) : (0, 0)
        }
        @inline(__always) func negativeTerm(_ d: Scalar) -> (term: Scalar, slope: Scalar) {
            let v = sign * negativeMargin - sign * d
            return v > 0 ? (v, -sign) : (0, 0)
        }
        // Calls body(column, isPositive) for each pair of anchor a, positives first when listed.
        @inline(__always) func forEachPair(of a: Int, _ body: (Int, Bool) -> Void) {
            if let grouped {
                for k in grouped.positiveStarts[a]..<grouped.positiveStarts[a + 1] { body(Int(grouped.positives[k]), true) }
                for k in grouped.negativeStarts[a]..<grouped.negativeStarts[a + 1] { body(Int(grouped.negatives[k]), false) }
            } else {
                let own = pairing.selfReference(of: a)
                for j in 0..<m where j != own { body(j, labels[a] == references[j]) }
            }
        }
        var sums = [Scalar](repeating: 0, count: 2 * n), counts = [Int](repeating: 0, count: 4 * n)
        matrix.storage.withUnsafeBufferPointer { db in
          sums.withUnsafeMutableBufferPointer { sb in
            counts.withUnsafeMutableBufferPointer { cb in
                guard let d = db.baseAddress, let s = sb.baseAddress, let c = cb.baseAddress else { return }
                nonisolated(unsafe) let (values, rowSums, rowCounts) = (d, s, c)
                _ = parallelRanges(n, work: n * m * 4) { anchors in
                    for a in anchors {
                        let row = values + a * m
                        var (positiveSum, negativeSum): (Scalar, Scalar) = (0, 0)
                        var (positiveNonZero, positiveCount, negativeNonZero, negativeCount) = (0, 0, 0, 0)
                        forEachPair(of: a) { j, isPositive in
                            if isPositive {
                                let term = positiveTerm(row[j]).term
                                positiveSum += term
                                positiveNonZero += term > 0 ? 1 : 0
                                positiveCount += 1
                            } else {
                                let term = negativeTerm(row[j]).term
                                negativeSum += term
                                negativeNonZero += term > 0 ? 1 : 0
                                negativeCount += 1
                            }
                        }
                        (rowSums[2 * a], rowSums[2 * a + 1]) = (positiveSum, negativeSum)
                        (rowCounts[4 * a], rowCounts[4 * a + 1]) = (positiveNonZero, positiveCount)
                        (rowCounts[4 * a + 2], rowCounts[4 * a + 3]) = (negativeNonZero, negativeCount)
                    }
                }
            }
          }
        }
        func total<T: AdditiveArithmetic>(_ values: [T], _ offset: Int, _ stride: Int) -> T {
            var result = T.zero
            for i in Swift.stride(from: offset, to: values.count, by: stride) { result += values[i] }
            return result
        }
        let positiveDivisor: Scalar = reduction.divisor(count: total(counts, 1, 4), nonZero: total(counts, 0, 4))
        let negativeDivisor: Scalar = reduction.divisor(count: total(counts, 3, 4), nonZero: total(counts, 2, 4))
        let positiveScale = positiveDivisor > 0 ? 1 / positiveDivisor : 0
        let negativeScale = negativeDivisor > 0 ? 1 / negativeDivisor : 0
        var gradient = [Scalar](zeroedCount: n * m)
        matrix.storage.withUnsafeBufferPointer { db in
          gradient.withUnsafeMutableBufferPointer { gb in
            guard let d = db.baseAddress, let g = gb.baseAddress else { return }
            nonisolated(unsafe) let (values, out) = (d, g)
            _ = parallelRanges(n, work: n * m * 4) { anchors in
                for a in anchors {
                    let (row, gradientRow) = (values + a * m, out + a * m)
                    forEachPair(of: a) { j, isPositive in
                        gradientRow[j] += isPositive ? positiveTerm(row[j]).slope * positiveScale : negativeTerm(row[j]).slope * negativeScale
                    }
                }
            }
          }
        }
        let positiveValue = positiveDivisor > 0 ? total(sums, 0, 2) / positiveDivisor : 0
        let value = positiveValue + (negativeDivisor > 0 ? total(sums, 1, 2) / negativeDivisor : 0)
        return (value, Tensor(uncheckedShape: [n, m], scalars: gradient))
    }
}
