import TensorCore

/// A growable buffer of triplets that a miner fills without a branch per candidate: a block
/// of candidates is written in full and the count advances only past the kept ones.
///
/// Owned by one thread; `release()` frees it (it is not reference counted).
struct TripletBuffer {
    private(set) var base: UnsafeMutablePointer<IndexTriplet>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Room for `extra` more writes past `count`.
    @inline(__always) mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = Swift.max(capacity * 2, count + extra)
        let moved = UnsafeMutablePointer<IndexTriplet>.allocate(capacity: grown)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (moved, grown)
    }

    /// Writes `triplet` at `count` (room must be reserved) and keeps it when `kept`.
    @inline(__always) mutating func write(_ triplet: IndexTriplet, kept: Bool) {
        (base + count).initialize(to: triplet)
        count += kept ? 1 : 0
    }

    /// Frees the storage.
    func release() { base.deallocate() }

    /// The kept triplets of every part, in part order, in one array (one copy of each
    /// part); releases the parts.
    static func joined(_ parts: [TripletBuffer]) -> [IndexTriplet] {
        let total = parts.reduce(0) { $0 + $1.count }
        let out = [IndexTriplet](uninitializedCount: total) { buffer in
            var offset = 0
            for part in parts where part.count > 0 {
                (buffer.baseAddress! + offset).initialize(from: part.base, count: part.count)
                offset += part.count
            }
        }
        parts.forEach { $0.release() }
        return out
    }
}
