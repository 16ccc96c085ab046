/// Pair indices grouped by a row they touch (compressed rows): `pairs(of: r)` lists, in
/// increasing order, the pairs t with `rows[t] == r`, so each output row can be owned by one
/// thread and summed in a fixed order.
@usableFromInline package struct RowGroups: Sendable {
    @usableFromInline package let rowCount: Int
    /// `order[starts[r]..<starts[r + 1]]` are the pairs of row r.
    @usableFromInline package let starts: [Int]
    @usableFromInline package let order: [Int]

    /// Groups the pairs by `rows[t]`, each in `0..<count`: a counting sort, two passes over
    /// `rows` and one over the rows, through unchecked buffers.
    @usableFromInline package init(rows: [Int], count: Int) {
        self.init(rows: rows, then: [], count: count)
    }

    /// Groups the pairs of two lists as one, without joining them: pair u is `rows[u]` for
    /// u < `rows.count`, then `more[u − rows.count]` (a list's pairs by their rows, then by
    /// their columns).
    @usableFromInline package init(rows: [Int], then more: [Int], count: Int) {
        var starts = [Int](repeating: 0, count: count + 1)
        let order = [Int](uninitializedCount: rows.count + more.count) { order in
            starts.withUnsafeMutableBufferPointer { starts in
                rows.withUnsafeBufferPointer { first in
                    more.withUnsafeBufferPointer { second in
                        for r in first { starts[r &+ 1] &+= 1 }
                        for r in second { starts[r &+ 1] &+= 1 }
                        for r in 0..<count { starts[r &+ 1] &+= starts[r] }
                        // starts[r] serves as row r's next slot, then is moved back one row.
                        for (u, r) in first.enumerated() {
                            order.initializeElement(at: starts[r], to: u)
                            starts[r] &+= 1
                        }
                        for (t, r) in second.enumerated() {
                            order.initializeElement(at: starts[r], to: first.count &+ t)
                            starts[r] &+= 1
                        }
                        for r in stride(from: count, to: 0, by: -1) { starts[r] = starts[r &- 1] }
                        starts[0] = 0
                    }
                }
            }
        }
        (self.rowCount, self.starts, self.order) = (count, starts, order)
    }

    /// The pairs of row `r`, in increasing order.
    @inlinable package func pairs(of r: Int) -> ArraySlice<Int> { order[starts[r]..<starts[r + 1]] }

    /// For pairs (rows[t], others[t]) over one square index space, the mirror t' of every
    /// pair — rows[t'] = others[t] and others[t'] = rows[t] — or nil unless the pairs are
    /// distinct and each has exactly one mirror.
    @usableFromInline package func mirrors(rows: [Int], others: [Int]) -> [Int]? {
        // Each row's pairs sorted by their other index, for binary search.
        var sorted = order
        for r in 0..<rowCount { sorted[starts[r]..<starts[r + 1]].sort { (others[$0], $0) < (others[$1], $1) } }
        var mirror = [Int](repeating: -1, count: rows.count)
        for t in rows.indices {
            let target = others[t], wanted = rows[t]
            guard target >= 0, target < rowCount else { return nil }
            var low = starts[target], high = starts[target + 1]
            while low < high {
                let mid = (low + high) / 2
                if others[sorted[mid]] < wanted { low = mid + 1 } else { high = mid }
            }
            let unique = low < starts[target + 1] && others[sorted[low]] == wanted
                && (low + 1 == starts[target + 1] || others[sorted[low + 1]] != wanted)
            guard unique else { return nil }
            mirror[t] = sorted[low]
        }
        return mirror
    }
}
