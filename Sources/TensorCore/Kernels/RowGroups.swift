/// Pair indices grouped by a row they touch (compressed rows): `pairs(of: r)` lists, in
/// increasing order, the pairs t with `rows[t] == r`, so each output row can be owned by one
/// thread and summed in a fixed order.
@usableFromInline package struct RowGroups: Sendable {
    @usableFromInline package let rowCount: Int
    /// `order[starts[r]..<starts[r + 1]]` are the pairs of row r.
    @usableFromInline package let starts: [Int]
    @usableFromInline package let order: [Int]

    /// Groups the pairs by `rows[t]`, each in `0..<count` (a counting sort: two passes over
    /// `rows`, one over the rows). Both passes go by runs of one row, which mined pairs come
    /// in: an increment per pair of a count in memory waits on the one before it.
    @usableFromInline package init(rows: [Int], count: Int) {
        var starts = [Int](repeating: 0, count: count + 1)
        let order = [Int](unsafeUninitializedCapacity: rows.count) { order, initialized in
            starts.withUnsafeMutableBufferPointer { starts in
                rows.withUnsafeBufferPointer { rows in
                    /// Calls `body(row, first, end)` for each run rows[first..<end] of one row.
                    func forEachRun(_ body: (Int, Int, Int) -> Void) {
                        var first = 0
                        while first < rows.count {
                            let r = rows[first]
                            var end = first &+ 1
                            while end < rows.count && rows[end] == r { end &+= 1 }
                            body(r, first, end)
                            first = end
                        }
                    }
                    forEachRun { r, first, end in starts[r &+ 1] &+= end &- first }
                    for r in 0..<count { starts[r &+ 1] &+= starts[r] }
                    // starts[r] serves as row r's next slot, then is moved back one row.
                    forEachRun { r, first, end in
                        let slot = starts[r]
                        for t in first..<end { order.initializeElement(at: slot &+ (t &- first), to: t) }
                        starts[r] = slot &+ (end &- first)
                    }
                    for r in stride(from: count, to: 0, by: -1) { starts[r] = starts[r &- 1] }
                    starts[0] = 0
                }
            }
            initialized = rows.count
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
