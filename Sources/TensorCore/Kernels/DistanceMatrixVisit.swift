import Dispatch

/// Work that a caller runs on the distance matrix of a batch against itself while
/// `DistanceMatrix.compute` makes it on this task: on each part of the matrix, on the thread
/// that computed the part and while it is in cache.
///
/// `visit(matrix, rows, columns)` sees the part `rows` × `columns` of the `[n, n]` matrix
/// once its strict upper triangle (columns right of each row) holds its final values; the
/// entries below the diagonal may not be written yet. Parts are disjoint. A miner binds one
/// around the computation it selects from (`PairMarginMiner`), so that it does not read the
/// whole matrix again afterwards on one thread; `covered` tells it whether every entry of
/// the strict upper triangle was seen exactly once, so that it can fall back to reading the
/// matrix when the distance computed it some other way.
///
/// With `leavesLowerTriangle`, the first such matrix is left without the mirror image of its
/// upper triangle below the diagonal, for a caller that reads only the upper one and fills
/// the rest if it is ever read (`DistanceMatrix.mirrorUpperTriangle`);
/// `leftOutLowerTriangle(of:)` tells which matrix that was.
package final class DistanceMatrixVisit: @unchecked Sendable {
    /// The visit the next matrix of a batch of `count` rows against itself on this task takes.
    @TaskLocal package static var current: DistanceMatrixVisit?

    /// The rows (and columns) of the matrix this visit is for.
    package let count: Int
    private let visit: @Sendable (_ matrix: UnsafeRawPointer, _ rows: Range<Int>, _ columns: Range<Int>) -> Void
    /// Guards `seen`: parts are visited on several threads.
    private let queue = DispatchQueue(label: "TensorCore.DistanceMatrixVisit")
    /// Entries of the strict upper triangle visited so far.
    private var seen = 0
    /// Whether a matrix may be left without its lower triangle.
    package let leavesLowerTriangle: Bool
    /// The buffer of the matrix left without its lower triangle, if any.
    private var leftOut: UnsafeRawPointer?

    package init(count: Int, leavesLowerTriangle: Bool = false,
                 _ visit: @escaping @Sendable (_ matrix: UnsafeRawPointer, _ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        (self.count, self.leavesLowerTriangle, self.visit) = (count, leavesLowerTriangle, visit)
    }

    /// True for the first matrix (its buffer `matrix`) that may leave out its lower triangle.
    func leavesOut(_ matrix: UnsafeRawPointer) -> Bool {
        guard leavesLowerTriangle else { return false }
        return queue.sync {
            guard leftOut == nil else { return false }
            leftOut = matrix
            return true
        }
    }

    /// Whether `storage` is the matrix that was left without its lower triangle.
    package func leftOutLowerTriangle<Scalar>(of storage: [Scalar]) -> Bool {
        let address = storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        return queue.sync { address != nil && address == leftOut }
    }

    /// Visits one part and counts its entries right of the diagonal.
    func part(_ matrix: UnsafeRawPointer, rows: Range<Int>, columns: Range<Int>) {
        visit(matrix, rows, columns)
        let entries = rows.reduce(0) { $0 + Swift.max(0, columns.upperBound - Swift.max(columns.lowerBound, $1 + 1)) }
        queue.sync { seen += entries }
    }

    /// True when the visits covered the strict upper triangle once: one whole matrix of
    /// `count` rows was computed through them.
    package var covered: Bool { queue.sync { seen == count * (count - 1) / 2 } }
}
