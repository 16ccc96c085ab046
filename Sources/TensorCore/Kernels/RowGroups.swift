/// Pair indices grouped by a row they touch (compressed rows): `pairs(of: r)` lists, in
/// increasing order, the pairs t with `rows[t] == r`, so each output row can be owned by one
/// thread and summed in a fixed order.
@usableFromInline package struct RowGroups: Sendable {
    @usableFromInline package let rowCount: Int
    /// `order[starts[r]..<starts[r + 1]]` are the pairs of row r.
    @usableFromInline package let starts: [Int]
    @usableFromInline package let order: [Int]

    /// Groups the pairs by `rows[t]`, each in `0..<count`: a counting sort, two passes over
    /// `rows` and one over the rows.
    ///
    /// Both passes go through the four quarters of `rows` side by side. Each increment of a
    /// count in memory waits on the one before it to the same count, and mined pairs come in
    /// runs of one row, so one pair at a time would wait on almost every pair; four quarters
    /// make four independent chains. A row's slots hold its pairs of the first quarter, then
    /// of the second, and so on, which keeps them in increasing order.
    @usableFromInline package init(rows: [Int], count: Int) {
        let n = rows.count
        let bounds = (0...4).map { n * $0 / 4 }, shortest = bounds[1]
        var starts = [Int](repeating: 0, count: count + 1)
        var next = [Int](repeating: 0, count: 4 * count)  // [quarter][row]: a count, then a slot
        let order = [Int](unsafeUninitializedCapacity: n) { order, initialized in
            starts.withUnsafeMutableBufferPointer { starts in
                next.withUnsafeMutableBufferPointer { next in
                    rows.withUnsafeBufferPointer { rows in
                        /// `body(k, t)` for every pair t of every quarter k, each quarter in order.
                        func sideBySide(_ body: (_ k: Int, _ t: Int) -> Void) {
                            for i in 0..<shortest {
                                body(0, i)
                                body(1, bounds[1] &+ i)
                                body(2, bounds[2] &+ i)
                                body(3, bounds[3] &+ i)
                            }
                            for k in 1..<4 { for t in (bounds[k] &+ shortest)..<bounds[k &+ 1] { body(k, t) } }
                        }
                        sideBySide { k, t in next[k &* count &+ rows[t]] &+= 1 }
                        var running = 0
                        for r in 0..<count {
                            starts[r] = running
                            for k in 0..<4 {
                                let pairs = next[k &* count &+ r]
                                next[k &* count &+ r] = running
                                running &+= pairs
                            }
                        }
                        starts[count] = running
                        sideBySide { k, t in
                            let slot = next[k &* count &+ rows[t]]
                            order.initializeElement(at: slot, to: t)
                            next[k &* count &+ rows[t]] = slot &+ 1
                        }
                    }
                }
            }
            initialized = n
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
