import TensorCore

/// The triplet margin loss over the triplets a `TripletMarginMiner` would keep, reduced
/// without materialising them.
///
/// Per anchor the negatives are sorted by distance once. For a positive p every miner
/// type keeps a contiguous run of that order (its gap g = d_an − d_ap lies in an
/// interval), and the hinge relu(margin − g) is non-zero on a prefix of the run. Prefix
/// sums give the run's sum of d_an, and a difference array gives each negative's count,
/// so the loss and its gradient need O(N² log N) time and O(N²) memory instead of the
/// O(N³) triplets.
@usableFromInline enum FusedTripletReduction {
    /// The loss and its gradient with respect to the `[N, M]` matrix of anchors against
    /// references (of the loss's distance).
    ///
    /// `matrix` holds distances (or similarities when `isSimilarity`); the miner keeps
    /// triplets by `type` and `minerMargin`, the loss uses `lossMargin`.
    @usableFromInline
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func lossAndGradient<Scalar: TensorScalar>(
        matrix: Tensor<Scalar>, pairing: ReferencePairing, isSimilarity: Bool,
        type: TripletMarginMiner<Scalar>.TripletType, minerMargin: Scalar, lossMargin: Scalar, reduction: TermReduction
    ) -> (value: Scalar, gradient: Tensor<Scalar>) {
        let (labels, refs) = (pairing.labels, pairing.referenceLabels)
        let (n, m) = (labels.count, refs.count)
        let sign: Scalar = isSimilarity ? -1 : 1
        // Per anchor: the sum of non-zero terms, their count, and the number of mined triplets.
        var termSums = [Scalar](repeating: 0, count: n)
        var nonZeroCounts = [Int](repeating: 0, count: n)
        var minedCounts = [Int](repeating: 0, count: n)
        // Unscaled gradient with respect to v = sign · matrix: rows are anchors.
        var gradient = [Scalar](zeroedCount: n * m)
        let groups = LabelGroups(refs)
        matrix.storage.withUnsafeBufferPointer { matrix in
            termSums.withUnsafeMutableBufferPointer { sums in
                nonZeroCounts.withUnsafeMutableBufferPointer { nonZero in
                    minedCounts.withUnsafeMutableBufferPointer { mined in
                        gradient.withUnsafeMutableBufferPointer { grad in
                            nonisolated(unsafe) let (matrix, sums, nonZero, mined, grad) = (matrix, sums, nonZero, mined, grad)
                            let chunks = Swift.min(n, 64)
                            parallelFor(chunks, work: n * m * 16) { chunk in
                                var negatives: [(value: Scalar, index: Int)] = []
                                var prefix: [Scalar] = []
                                var runCounts: [Int] = []
                                var keys: [UInt64] = [], scratch: [UInt64] = []
                                for a in stride(from: chunk, to: n, by: chunks) {
                                    let row = a * m
                                    negatives.removeAll(keepingCapacity: true)
                                    sortedNegatives(of: labels[a], row: matrix.baseAddress! + row, referenceLabels: refs, sign: sign,
                                                    into: &negatives, keys: &keys, scratch: &scratch)
                                    let count = negatives.count
                                    prefix.removeAll(keepingCapacity: true)
                                    var running: Scalar = 0
                                    prefix.append(0)
                                    for item in negatives { running += item.value; prefix.append(running) }
                                    runCounts = Array(repeating: 0, count: count + 1)
                                    var anchorSum: Scalar = 0, anchorNonZero = 0, anchorMined = 0
                                    let own = pairing.selfReference(of: a)
                                    for p in groups.members(of: labels[a]) where p != own {
                                        let ap = sign * matrix[row + p]
                                        // First sorted position whose gap g = v_an − v_ap satisfies `past`.
                                        func firstIndex(_ past: (Scalar) -> Bool) -> Int {
                                            var lo = 0, hi = count
                                            while lo < hi {
                                                let mid = (lo + hi) / 2
                                                if past(negatives[mid].value - ap) { hi = mid } else { lo = mid + 1 }
                                            }
                                            return lo
                                        }
                                        let (start, end): (Int, Int)
                                        switch type {
                                        case .all: (start, end) = (0, firstIndex { $0 > minerMargin })
                                        case .hard: (start, end) = (0, firstIndex { $0 > 0 })
                                        case .semihard: (start, end) = (firstIndex { $0 > 0 }, firstIndex { $0 > minerMargin })
                                        case .easy: (start, end) = (firstIndex { $0 > minerMargin }, count)
                                        }
                                        guard end > start else { continue }
                                        anchorMined += end - start
                                        // Non-zero hinge: g < lossMargin, a prefix of the run.
                                        let nonZeroEnd = Swift.max(start, Swift.min(end, firstIndex { $0 >= lossMargin }))
                                        let k = nonZeroEnd - start
                                        guard k > 0 else { continue }
                                        anchorNonZero += k
                                        anchorSum += Scalar(k) * (ap + lossMargin) - (prefix[nonZeroEnd] - prefix[start])
                                        grad[row + p] += Scalar(k)
                                        runCounts[start] += 1
                                        runCounts[nonZeroEnd] -= 1
                                    }
                                    var covering = 0
                                    for i in 0..<count {
                                        covering += runCounts[i]
                                        if covering != 0 { grad[row + negatives[i].index] -= Scalar(covering) }
                                    }
                                    sums[a] = anchorSum
                                    nonZero[a] = anchorNonZero
                                    mined[a] = anchorMined
                                }
                            }
                        }
                    }
                }
            }
        }
        let total = termSums.reduce(0, +)
        let divisor: Scalar = reduction.divisor(count: minedCounts.reduce(0, +), nonZero: nonZeroCounts.reduce(0, +))
        guard divisor > 0 else {
            return (0, Tensor(uncheckedShape: [n, m], scalars: Array(repeating: 0, count: n * m)))
        }
        let scale = sign / divisor
        for i in 0..<gradient.count where gradient[i] != 0 { gradient[i] *= scale }
        return (total / divisor, Tensor(uncheckedShape: [n, m], scalars: gradient))
    }

    /// The references labelled other than `label` as (v, index), sorted by v = sign · value (ties in any order:
    /// every threshold separates by value, so the order among equal values never matters).
    ///
    /// `Float` values sort as packed integer keys (order-preserving bits, index below),
    /// several times faster than sorting tuples with a comparison closure; a radix sort
    /// for long rows, a comparison sort of the keys for short ones.
    @inline(__always)
    static func sortedNegatives<Scalar: TensorScalar>(
        of label: Int, row: UnsafePointer<Scalar>, referenceLabels labels: [Int], sign: Scalar,
        into negatives: inout [(value: Scalar, index: Int)], keys: inout [UInt64], scratch: inout [UInt64]
    ) {
        let n = labels.count
        if MemoryLayout<Scalar>.size == 4 {
            keys.removeAll(keepingCapacity: true)
            for j in 0..<n where labels[j] != label {
                let bits = Float(sign * row[j]).bitPattern
                let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                keys.append(UInt64(ordered) << 32 | UInt64(j))
            }
            // Radix passes clear 2048 counters each: worth it from about a thousand keys.
            if keys.count >= 1024 { radixSortByHighWord(&keys, scratch: &scratch) } else { keys.sort() }
            for key in keys {
                let ordered = UInt32(truncatingIfNeeded: key >> 32)
                let bits = ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered
                negatives.append((Scalar(Float(bitPattern: bits)), Int(key & 0xFFFF_FFFF)))
            }
        } else {
            for j in 0..<n where labels[j] != label { negatives.append((sign * row[j], j)) }
            negatives.sort { $0.value < $1.value }
        }
    }

    /// Sorts keys by their upper 32 bits: a stable LSD radix sort in three passes of 11 bits.
    ///
    /// - Complexity: O(n) time, O(n) scratch.
    @inline(__always)
    static func radixSortByHighWord(_ keys: inout [UInt64], scratch: inout [UInt64]) {
        let n = keys.count
        if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
        var counts = [Int](repeating: 0, count: 2048)
        keys.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                var from = source.baseAddress!, to = target.baseAddress!
                for shift in [UInt64(32), 43, 54] {
                    for i in 0..<2048 { counts[i] = 0 }
                    for i in 0..<n { counts[Int((from[i] >> shift) & 0x7FF)] += 1 }
                    var total = 0
                    for i in 0..<2048 { let c = counts[i]; counts[i] = total; total += c }
                    for i in 0..<n {
                        let digit = Int((from[i] >> shift) & 0x7FF)
                        to[counts[digit]] = from[i]
                        counts[digit] += 1
                    }
                    swap(&from, &to)
                }
                // Three passes: the sorted keys are in `scratch`; copy them back.
                if from != source.baseAddress! { source.baseAddress!.update(from: from, count: n) }
            }
        }
    }
}
