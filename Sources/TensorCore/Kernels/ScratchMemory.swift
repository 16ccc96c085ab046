import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Large scratch buffers kept from one training step for the next of the same shape.
///
/// A step allocates the same `[N, N]` matrices every time (distances, exponentials,
/// gradients). Fresh pages cost a page fault each the first time they are touched, so at
/// N = 2048 a step would spend milliseconds faulting in memory it freed a moment before.
/// The library therefore keeps the buffers that die inside a step (those it owns alone: a
/// mining matrix, a gradient after its product) and hands them to the next allocation of
/// the same scalar type and element count. In steady state a step then touches no new pages.
///
/// Only buffers of at least ``minimumBytes`` (a kernel's packed blocks: ``minimumBlockBytes``)
/// are kept, at most ``buffersPerSize`` of each size, at most ``maximumBuffers`` in all, and
/// at most ``limit`` bytes in all (the oldest are freed first). Results never
/// depend on the pool: a reused buffer is entirely overwritten, or zeroed, before it is read.
/// It is shared by every thread of the process behind a lock.
///
/// ```swift
/// for batch in batches { _ = try loss.valueWithGradient(embeddings: batch.x, labels: batch.y) }
/// ScratchMemory.release()   // training is over: give the kept buffers back
/// ```
public enum ScratchMemory {
    /// The smallest buffer kept, in bytes (128 KiB: smaller ones come from the allocator's
    /// heap, which does not fault them in again).
    public static let minimumBytes = 128 << 10

    /// The smallest kernel block kept, in bytes (a page). A kernel's packed blocks are
    /// often below ``minimumBytes``, and a block allocated on a worker thread comes from
    /// that thread's heap, which gives its top back to the system when the block is freed:
    /// allocated anew every step, it would fault its pages in every step.
    public static let minimumBlockBytes = 4 << 10

    /// The most buffers kept in all (the oldest are freed first).
    public static let maximumBuffers = 64

    /// The most buffers kept of one scalar type and count: 4, or one per processor when
    /// there are more (each thread of a kernel packs its own block).
    public static let buffersPerSize = Swift.max(4, ComputeThreads.available)

    /// The most bytes kept in all; 256 MiB by default. 0 keeps nothing. Lowering it frees
    /// the oldest buffers down to the new limit.
    public static var limit: Int {
        get { pool.sync { pool.limit } }
        set {
            let freed = pool.sync { () -> [Entry] in
                pool.limit = Swift.max(0, newValue)
                return pool.evict()
            }
            _ = freed  // freed outside the lock
        }
    }

    /// The bytes held now.
    public static var retainedBytes: Int { pool.sync { pool.bytes } }

    /// The number of buffers held now.
    public static var retainedBuffers: Int { pool.sync { pool.entries.count } }

    /// Frees every kept buffer (call it when training ends, or before a phase that needs
    /// the memory). Later steps fill the pool again.
    public static func release() {
        let freed = pool.sync { pool.removeAll() }
        _ = freed  // freed outside the lock
    }

    /// A kept buffer of `count` scalars, now the caller's alone, or nil. Its contents are
    /// stale: the caller overwrites every element before reading any.
    @usableFromInline package static func take<Scalar: TensorScalar>(_: Scalar.Type, count: Int) -> [Scalar]? {
        guard count >= minimumBytes / MemoryLayout<Scalar>.stride else { return nil }
        _ = allocatorThresholdsRaised
        let key = Key(type: ObjectIdentifier(Scalar.self), count: count)
        guard let entry = pool.sync({ pool.remove(key) }) else { return nil }
        let box = entry as! Box<Scalar>
        defer { box.scalars = [] }
        return box.scalars
    }

    /// Keeps `scalars` for a later `take` of the same type and count. Pass only a buffer the
    /// library owns alone (never the storage of a tensor a caller may hold): a shared one
    /// would be copied on its next write instead of reused.
    @usableFromInline package static func recycle<Scalar: TensorScalar>(_ scalars: consuming [Scalar]) {
        let bytes = scalars.count * MemoryLayout<Scalar>.stride
        guard bytes >= minimumBytes else { return }
        _ = allocatorThresholdsRaised
        let entry = Entry(key: Key(type: ObjectIdentifier(Scalar.self), count: scalars.count), bytes: bytes,
                          box: Box(scalars))
        let freed = pool.sync { pool.insert(entry) }
        _ = freed  // freed outside the lock
    }

    /// A block of at least `byteCount` bytes aligned on 64 (a cache line) for a kernel's
    /// packed operands: a kept one of that size (at least ``minimumBlockBytes``), else
    /// newly allocated. Give it back with `recycle(_:)` when the kernel is done with it.
    package static func block(byteCount: Int) -> Block {
        _ = allocatorThresholdsRaised
        guard byteCount >= minimumBlockBytes,
              let entry = pool.sync({ pool.remove(Key(type: ObjectIdentifier(Block.self), count: byteCount)) }) else {
            return Block(byteCount: byteCount)
        }
        return entry as! Block
    }

    /// Keeps a kernel's block for a later `block(byteCount:)` of the same size (or frees it).
    package static func recycle(_ block: Block) {
        guard block.byteCount >= minimumBlockBytes else { return }
        _ = allocatorThresholdsRaised
        let freed = pool.sync { pool.insert(Entry(key: Key(type: ObjectIdentifier(Block.self), count: block.byteCount), bytes: block.byteCount, box: block)) }
        _ = freed  // freed outside the lock
    }

    /// Raw memory of a kernel, freed when the last reference goes.
    package final class Block: @unchecked Sendable {
        package let pointer: UnsafeMutableRawPointer
        package let byteCount: Int
        init(byteCount: Int) {
            (self.pointer, self.byteCount) = (.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64), byteCount)
        }
        deinit { pointer.deallocate() }
    }

    struct Key: Equatable {
        let type: ObjectIdentifier
        let count: Int
    }

    final class Box<Scalar>: @unchecked Sendable {
        var scalars: [Scalar]
        init(_ scalars: consuming [Scalar]) { self.scalars = scalars }
    }

    struct Entry {
        let key: Key
        let bytes: Int
        let box: AnyObject
    }

    /// The kept buffers, oldest first, and their bookkeeping; touched only inside `sync`.
    final class Pool: @unchecked Sendable {
        private let queue = DispatchQueue(label: "TensorCore.ScratchMemory")
        var entries: [Entry] = []
        var bytes = 0
        var limit = 256 << 20

        func sync<T>(_ body: () -> T) -> T { queue.sync(execute: body) }

        /// Removes and returns the newest buffer under `key` (its pages are the warmest).
        func remove(_ key: Key) -> AnyObject? {
            guard let index = entries.lastIndex(where: { $0.key == key }) else { return nil }
            bytes -= entries[index].bytes
            return entries.remove(at: index).box
        }

        /// Adds `entry`, then frees the oldest of its size beyond `buffersPerSize` and the
        /// oldest of all beyond `limit`; returns what was dropped, to be freed by the caller.
        func insert(_ entry: Entry) -> [Entry] {
            entries.append(entry)
            bytes += entry.bytes
            var dropped: [Entry] = []
            if entries.count(where: { $0.key == entry.key }) > ScratchMemory.buffersPerSize,
               let oldest = entries.firstIndex(where: { $0.key == entry.key }) {
                bytes -= entries[oldest].bytes
                dropped.append(entries.remove(at: oldest))
            }
            return dropped + evict()
        }

        /// Drops every buffer; returns them.
        func removeAll() -> [Entry] {
            defer { (entries, bytes) = ([], 0) }
            return entries
        }

        /// Drops the oldest buffers until at most `limit` bytes and `maximumBuffers` buffers
        /// are held; returns them.
        func evict() -> [Entry] {
            var dropped: [Entry] = []
            while bytes > limit || entries.count > ScratchMemory.maximumBuffers, !entries.isEmpty {
                bytes -= entries[0].bytes
                dropped.append(entries.removeFirst())
            }
            return dropped
        }
    }

    static let pool = Pool()

    /// Done once, when the pool is first asked for or given a buffer (early in the first
    /// step, so that its large blocks already come from the heap the later steps reuse). glibc serves a block above its mmap
    /// threshold (128 KiB at first) with fresh pages and unmaps it when freed, and raises the
    /// threshold (and the heap's trim threshold, twice it) only when such a block is freed. A
    /// pool that keeps the large buffers stops those frees, so the buffers it cannot keep
    /// (values that die with a tape, gradients returned to the caller) would be faulted in
    /// anew every step. Freeing one untouched block just under the dynamic maximum (32 MiB)
    /// raises both thresholds as a large free would; it touches no page. (Other allocators
    /// keep freed blocks without being asked.)
    static let allocatorThresholdsRaised: Bool = {
        #if canImport(Glibc)
        freeUnelided(malloc((32 << 20) - 2 * 4096))
        return true
        #else
        return false
        #endif
    }()

    /// `free`, behind a call the optimiser cannot see through (it deletes a `free(malloc(n))`).
    @inline(never) static func freeUnelided(_ pointer: UnsafeMutableRawPointer?) {
        #if canImport(Glibc)
        free(pointer)
        #endif
    }
}
