import TensorCore

/// The triplets of each anchor: every positive with every negative of ``AnchorColumns``
/// (never listed), or a list of triplets grouped by anchor with list order and repeats kept.
@usableFromInline struct AnchorTriplets: Sendable {
    @usableFromInline let columns: AnchorColumns?
    /// Listed triplets by anchor: anchor a's are `order[start[a]..<start[a + 1]]`, indices into `triplets`.
    @usableFromInline let grouped: (triplets: [IndexTriplet], start: [Int], order: [Int32])?
    /// The number of triplets.
    @usableFromInline let count: Int

    /// Every triplet of the pairing (no tuples) or the triplets of `tuples` (pairs that
    /// share an anchor combined, as PML's `convert_to_triplets`).
    @usableFromInline init(_ tuples: MinedTuples?, pairing: ReferencePairing) throws {
        guard let tuples else {
            let columns = try AnchorColumns(PairSelection(nil, pairing: pairing))
            self.columns = columns
            grouped = nil
            count = pairing.labels.indices.reduce(0) { total, a in
                let c = columns.columns(of: a)
                return total + c.positives.count * c.negatives.count
            }
            return
        }
        let triplets = tuples.asTriplets(), (start, order) = Self.byAnchor(triplets, anchorCount: pairing.labels.count)
        (columns, grouped, count) = (nil, (triplets, start, order), triplets.count)
    }

    /// Anchor a's triplet values row[p] − row[n], in order (positive by positive, every
    /// negative for each, without tuples), written over `out`.
    @inlinable func differences<Scalar: TensorScalar>(of a: Int, row: UnsafePointer<Scalar>, into out: inout [Scalar]) {
        out.removeAll(keepingCapacity: true)
        if let grouped {
            for k in grouped.start[a]..<grouped.start[a + 1] {
                let t = grouped.triplets[Int(grouped.order[k])]
                out.append(row[Int(t.positive)] - row[Int(t.negative)])
            }
        } else if let columns {
            let (positives, negatives) = columns.columns(of: a), values = negatives.map { row[$0] }
            out.reserveCapacity(positives.count * negatives.count)
            for p in positives {
                let value = row[p]
                for v in values { out.append(value - v) }
            }
        }
    }

    /// Adds weights[t] at the positive and −weights[t] at the negative of anchor a's
    /// triplet t (in the order of `differences`) to the anchor's gradient row.
    @inlinable func scatter<Scalar: TensorScalar>(_ weights: [Scalar], of a: Int, into gradientRow: UnsafeMutablePointer<Scalar>) {
        if let grouped {
            for (k, w) in zip(grouped.start[a]..<grouped.start[a + 1], weights) {
                let t = grouped.triplets[Int(grouped.order[k])]
                gradientRow[Int(t.positive)] += w
                gradientRow[Int(t.negative)] -= w
            }
        } else if let columns {
            let (positives, negatives) = columns.columns(of: a), k = negatives.count
            var negativeSums = [Scalar](repeating: 0, count: k)
            for (i, p) in positives.enumerated() {
                var sum: Scalar = 0
                for q in 0..<k {
                    sum += weights[i * k + q]
                    negativeSums[q] += weights[i * k + q]
                }
                gradientRow[p] += sum
            }
            for (q, n) in negatives.enumerated() { gradientRow[n] -= negativeSums[q] }
        }
    }

    /// A counting sort of `triplets` by anchor, list order kept within an anchor: anchor a's
    /// triplets are `order[start[a]..<start[a + 1]]`.
    /// - Complexity: O(T + N).
    @usableFromInline static func byAnchor(_ triplets: [IndexTriplet], anchorCount n: Int) -> (start: [Int], order: [Int32]) {
        var start = [Int](repeating: 0, count: n + 1)
        for t in triplets { start[Int(t.anchor) + 1] += 1 }
        for a in 0..<n { start[a + 1] += start[a] }
        var next = Array(start.dropLast()), order = [Int32](repeating: 0, count: triplets.count)
        for (index, t) in triplets.enumerated() {
            order[next[Int(t.anchor)]] = Int32(truncatingIfNeeded: index)
            next[Int(t.anchor)] += 1
        }
        return (start, order)
    }
}
