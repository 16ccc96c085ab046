import Dispatch
import TensorCore

/// Batch-hard triplets of a batch against itself (`BatchHardMiner`) from the strict upper
/// triangle of its exactly symmetric matrix of squared Euclidean distances, selected part by
/// part while the matrix is computed (`makeVisit(leavingLowerTriangle:)`, a
/// `DistanceMatrixVisit`), on the thread that computed each part and while it is in cache.
///
/// An entry (i, j), i < j, is a candidate for row i (along the row) and for row j (down the
/// column), so the lower triangle is neither read nor written. Each row keeps its least
/// squared distance to another group, the lowest column attaining it and the second least
/// (`LeastCandidate`), and the same of its negated distances to its own group (the few
/// positives, read while the row is in cache). The triplets are those of
/// `BatchHardSelection` on the whole matrix with `squaredDistances`, ties included: when
/// another value has the same square root as the chosen one (the second is beyond the
/// bound), the row's entries are searched as that does.
final class UpperTriangleBatchHard<Scalar: TensorScalar>: @unchecked Sendable {
    /// Each anchor's same-label columns.
    let groups: SameLabelColumns
    /// Each row's group, as the vector kernels compare them.
    private let groupOf: [Int32]
    /// Guards `parts`: parts are selected on several threads.
    private let queue = DispatchQueue(label: "MetricLosses.UpperTriangleBatchHard")
    /// The visited parts.
    private var parts: [Part] = []

    /// A visited part's rows and columns with the candidates it gave its rows (along them)
    /// and its columns (down them): nearest negatives, and farthest positives as the least
    /// of the negated values.
    private struct Part {
        let rows: Range<Int>, columns: Range<Int>
        var negativesAlong: [LeastCandidate<Scalar>], positivesAlong: [LeastCandidate<Scalar>]
        var negativesDown: [LeastCandidate<Scalar>], positivesDown: [LeastCandidate<Scalar>]

        init(rows: Range<Int>, columns: Range<Int>) {
            (self.rows, self.columns) = (rows, columns)
            (negativesAlong, positivesAlong) = (Array(repeating: .none, count: rows.count), Array(repeating: .none, count: rows.count))
            (negativesDown, positivesDown) = (Array(repeating: .none, count: columns.count), Array(repeating: .none, count: columns.count))
        }
    }

    init(groups: SameLabelColumns) {
        self.groups = groups
        groupOf = groups.groupOfAnchor.map { Int32(truncatingIfNeeded: $0) }
    }

    /// What the matrix's computation runs on each of its parts (it holds this selection),
    /// leaving the matrix without its lower triangle when asked.
    func makeVisit(leavingLowerTriangle: Bool) -> DistanceMatrixVisit {
        DistanceMatrixVisit(count: groupOf.count, leavesLowerTriangle: leavingLowerTriangle) { [self] matrix, rows, columns in
            select(matrix.assumingMemoryBound(to: Scalar.self), rows: rows, columns: columns)
        }
    }

    /// Folds the entries of the part `rows` × `columns` right of the diagonal into the
    /// candidates of their rows and of their columns: other groups' entries as they are,
    /// the same group's (the few positives, read while the row is in cache) negated.
    private func select(_ matrix: UnsafePointer<Scalar>, rows: Range<Int>, columns: Range<Int>) {
        let n = groupOf.count, width = columns.count
        var part = Part(rows: rows, columns: columns)
        var least = [Scalar](repeating: .infinity, count: width), second = least, index = [Int32](repeating: 0, count: width)
        groupOf.withUnsafeBufferPointer { groupOf in
          least.withUnsafeMutableBufferPointer { least in
            second.withUnsafeMutableBufferPointer { second in
              index.withUnsafeMutableBufferPointer { index in
                guard let g = groupOf.baseAddress, let l = least.baseAddress, let s = second.baseAddress, let k = index.baseAddress else { return }
                for i in rows {
                    let start = Swift.max(columns.lowerBound, i + 1), end = columns.upperBound
                    guard start < end else { continue }
                    let row = matrix + i * n
                    let (along, column) = (i - rows.lowerBound, start - columns.lowerBound)
                    part.negativesAlong[along] = LeastCandidate(LeastOfOtherGroup.along(row + start, groups: g + start, count: end - start,
                                                                                        group: g[i], first: Int32(start)))
                    LeastOfOtherGroup.down(row + start, groups: g + start, count: end - start, group: g[i], row: Int32(i),
                                           least: l + column, index: k + column, second: s + column)
                    for j in groups.columns(of: i) where j >= start && j < end {
                        let farness = LeastCandidate(least: -row[j], index: Int32(j), second: .infinity)
                        part.positivesAlong[along] = part.positivesAlong[along].merged(with: farness)
                        part.positivesDown[j - columns.lowerBound] = part.positivesDown[j - columns.lowerBound]
                            .merged(with: LeastCandidate(least: -row[j], index: Int32(i), second: .infinity))
                    }
                }
              }
            }
          }
        }
        for c in 0..<width { part.negativesDown[c] = LeastCandidate(least: least[c], index: index[c], second: second[c]) }
        queue.sync { parts.append(part) }
    }

    /// The triplets, one per anchor with a positive and a negative, in order of anchor;
    /// `matrix` is the `[n, n]` matrix whose upper triangle the parts saw. It is read only
    /// where values share a root with the chosen one.
    func triplets(_ matrix: [Scalar]) -> [IndexTriplet] {
        let n = groupOf.count
        var nearest = [LeastCandidate<Scalar>](repeating: .none, count: n), farthest = nearest
        for part in queue.sync(execute: { parts }) {
            for k in 0..<part.rows.count {
                let a = part.rows.lowerBound + k
                nearest[a] = nearest[a].merged(with: part.negativesAlong[k])
                farthest[a] = farthest[a].merged(with: part.positivesAlong[k])
            }
            for k in 0..<part.columns.count {
                let a = part.columns.lowerBound + k
                nearest[a] = nearest[a].merged(with: part.negativesDown[k])
                farthest[a] = farthest[a].merged(with: part.positivesDown[k])
            }
        }
        return matrix.withUnsafeBufferPointer { matrix in
            /// The squared distance of rows a and j, from the upper triangle.
            func value(_ a: Int, _ j: Int) -> Scalar { a < j ? matrix[a * n + j] : matrix[j * n + a] }
            var out: [IndexTriplet] = []
            for a in 0..<n {
                let (negative, positive) = (nearest[a], farthest[a])
                guard negative.least < .infinity, positive.least < .infinity else { continue }
                // The farthest positive: the first whose root equals the greatest root, found
                // among the label group when another value shares that root.
                let (greatest, nextGreatest) = (-positive.least, -positive.second)
                let top = Self.apart(nextGreatest, greatest) ? greatest : SquaredDistanceThreshold.atLeast(greatest.squareRoot())
                let chosenPositive = nextGreatest < top ? Int(positive.index)
                    : groups.columns(of: a).first { $0 != a && value(a, $0) >= top }
                // The nearest negative: the first column below the bound just above the least
                // root, searched along the whole row when another value shares that root.
                let bound = Self.apart(negative.least, negative.second) ? negative.second
                    : SquaredDistanceThreshold.above(negative.least.squareRoot())
                let chosenNegative = negative.second >= bound ? Int(negative.index)
                    : (0..<n).first { $0 != a && groupOf[$0] != groupOf[a] && value(a, $0) < bound }
                guard let chosenPositive, let chosenNegative else { continue }
                out.append(IndexTriplet(anchor: Int32(a), positive: Int32(chosenPositive), negative: Int32(chosenNegative)))
            }
            return out
        }
    }

    /// True when `high` is so far above `low` (a normal number) that their square roots
    /// differ: a square root's rounding moves its square by under 4 ulps of the square, so
    /// 16 is safe, and the exact threshold need not be searched for.
    private static func apart(_ low: Scalar, _ high: Scalar) -> Bool {
        low >= Scalar.leastNormalMagnitude && high > low * (1 + 16 * Scalar.ulpOfOne)
    }
}
