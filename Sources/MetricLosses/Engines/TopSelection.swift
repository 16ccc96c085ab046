import TensorCore

/// The k largest (or smallest) of a list of values, chosen exactly as PyTorch's CPU `topk`
/// chooses among equal values.
///
/// `topk` leaves ties at the cut to its algorithm: libstdc++'s `std::partial_sort` (a heap
/// selection) when 64·k ≤ n, else `std::nth_element` (introselect), over (value, position)
/// pairs compared by value alone. Which of two equal values is kept follows from those
/// algorithms' swaps; a self-batch's distance matrix is symmetric, so every pair value
/// there has a twin and ties at the cut are the rule. This is a transcription of both
/// algorithms, so that a miner that keeps the top k (`HDCMiner`) keeps PML's pairs.
struct TopSelection<Scalar: TensorScalar> {
    /// (value, position) pairs, permuted in place as the algorithms go (the caller's buffer:
    /// no bounds or uniqueness checks in the inner loops).
    private let items: UnsafeMutableBufferPointer<(value: Scalar, position: Int)>
    /// Larger values first (or smaller, when false).
    private let largest: Bool

    /// The positions of the `k` largest values (the smallest with `largest` false), in
    /// increasing order, ties at the cut broken as PyTorch's CPU `topk` breaks them.
    ///
    /// - Complexity: O(n) expected for introselect, O(n·log k) for the heap selection;
    ///   memory O(n).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func positions(of values: [Scalar], count k: Int, largest: Bool) -> [Int] {
        let n = values.count
        if k <= 0 { return [] }
        if k >= n { return Array(0..<n) }
        var items = values.enumerated().map { (value: $1, position: $0) }
        var chosen = [Bool](repeating: false, count: n)
        items.withUnsafeMutableBufferPointer { buffer in
            var selection = TopSelection(items: buffer, largest: largest)
            if k * 64 <= n {
                selection.heapSelect(0, k, n)
            } else {
                selection.introselect(0, k - 1, n, depth: 2 * (Int.bitWidth - 1 - n.leadingZeroBitCount))
            }
            // The chosen positions in increasing order: marked, then read in one pass (no sort).
            for item in buffer[..<k] { chosen[item.position] = true }
        }
        return chosen.indices.filter { chosen[$0] }
    }

    /// True when `x` goes before `y` (libstdc++'s `comp`).
    @inline(__always) private func before(_ x: (value: Scalar, position: Int), _ y: (value: Scalar, position: Int)) -> Bool {
        largest ? x.value > y.value : x.value < y.value
    }

    /// `std::__introselect`: the element that belongs at `nth` in order is put there, the
    /// ones before it go before.
    private mutating func introselect(_ first: Int, _ nth: Int, _ last: Int, depth: Int) {
        var (first, last, depth) = (first, last, depth)
        while last - first > 3 {
            if depth == 0 {
                heapSelect(first, nth + 1, last)
                items.swapAt(first, nth)
                return
            }
            depth -= 1
            moveMedianToFirst(first, first + 1, first + (last - first) / 2, last - 1)
            let cut = unguardedPartition(first + 1, last, pivot: first)
            if cut <= nth { first = cut } else { last = cut }
        }
        insertionSort(first, last)
    }

    /// `std::__move_median_to_first`.
    private mutating func moveMedianToFirst(_ result: Int, _ a: Int, _ b: Int, _ c: Int) {
        let (x, y, z) = (items[a], items[b], items[c])
        let median = before(x, y) ? (before(y, z) ? b : before(x, z) ? c : a) : (before(x, z) ? a : before(y, z) ? c : b)
        items.swapAt(result, median)
    }

    /// `std::__unguarded_partition`.
    private mutating func unguardedPartition(_ first: Int, _ last: Int, pivot: Int) -> Int {
        var (first, last) = (first, last)
        while true {
            while before(items[first], items[pivot]) { first += 1 }
            last -= 1
            while before(items[pivot], items[last]) { last -= 1 }
            if !(first < last) { return first }
            items.swapAt(first, last)
            first += 1
        }
    }

    /// `std::__insertion_sort`.
    private mutating func insertionSort(_ first: Int, _ last: Int) {
        guard first < last else { return }
        for i in (first + 1)..<last {
            let value = items[i]
            var j = i
            if before(value, items[first]) {
                while j > first { items[j] = items[j - 1]; j -= 1 }
            } else {
                while before(value, items[j - 1]) { items[j] = items[j - 1]; j -= 1 }
            }
            items[j] = value
        }
    }

    /// `std::__heap_select`: the heap over [first, middle) ends up holding the first
    /// middle − first elements in order.
    private mutating func heapSelect(_ first: Int, _ middle: Int, _ last: Int) {
        let length = middle - first
        if length >= 2 {
            var parent = (length - 2) / 2
            while true {
                adjustHeap(first, parent, length, items[first + parent])
                if parent == 0 { break }
                parent -= 1
            }
        }
        for i in middle..<last where before(items[i], items[first]) {
            let value = items[i]
            items[i] = items[first]
            adjustHeap(first, 0, length, value)
        }
    }

    /// `std::__adjust_heap` followed by its `std::__push_heap`.
    private mutating func adjustHeap(_ first: Int, _ hole: Int, _ length: Int, _ value: (value: Scalar, position: Int)) {
        let top = hole
        var (hole, child) = (hole, hole)
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if before(items[first + child], items[first + child - 1]) { child -= 1 }
            items[first + hole] = items[first + child]
            hole = child
        }
        if length & 1 == 0 && child == (length - 2) / 2 {
            child = 2 * (child + 1)
            items[first + hole] = items[first + child - 1]
            hole = child - 1
        }
        var parent = (hole - 1) / 2
        while hole > top && before(items[first + parent], value) {
            items[first + hole] = items[first + parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[first + hole] = value
    }
}
