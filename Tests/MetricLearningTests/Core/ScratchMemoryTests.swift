import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses

/// Buffers kept from one step for the next: results never depend on them, the pool keeps
/// its bounds, `release()` empties it, and concurrent steps share it safely. (Serialized: two
/// of these tests change the global limit; other suites may use the pool meanwhile.)
@Suite("Scratch memory", .serialized)
struct ScratchMemoryTests {
    /// Steps whose [N, N] buffers (N = 192: 144 KiB in Float, 288 KiB in Double) are kept.
    static func steps<Scalar: TensorScalar>(_: Scalar.Type) -> [(String, @Sendable () throws -> (Scalar, Tensor<Scalar>))] {
        let n = 192
        let x: Tensor<Scalar> = randomMatrix(n, 16, seed: 41)
        var generator = SeededRandomGenerator(seed: 42)
        let labels = (0..<n).map { _ in generator.nextIndex(below: n / 8) }
        return [
            ("multi-similarity+ms (fused)", { try MultiSimilarityLoss<Scalar>().valueWithGradient(
                embeddings: x, labels: labels, minedBy: MultiSimilarityMiner()) }),
            ("multi-similarity+ms (listed)", { try MultiSimilarityLoss<Scalar>().valueWithGradient(
                embeddings: x, labels: labels, tuples: MultiSimilarityMiner<Scalar>().mine(x, labels: labels)) }),
            ("contrastive+pairmargin", { try ContrastiveLoss<Scalar>().valueWithGradient(
                embeddings: x, labels: labels, minedBy: PairMarginMiner<Scalar>(positiveMargin: 0, negativeMargin: 1.4)) }),
            ("contrastive (all pairs)", { try ContrastiveLoss<Scalar>().valueWithGradient(embeddings: x, labels: labels) }),
            ("triplet+batchhard", { try TripletMarginLoss<Scalar>(margin: 0.1).valueWithGradient(
                embeddings: x, labels: labels, minedBy: BatchHardMiner()) }),
            ("triplet+semihard (listed)", { try TripletMarginLoss<Scalar>(margin: 0.1).valueWithGradient(
                embeddings: x, labels: labels, tuples: TripletMarginMiner(margin: 0.1, type: .semihard).mine(x, labels: labels)) }),
            ("ntxent", { try NTXentLoss<Scalar>().valueWithGradient(embeddings: x, labels: labels) }),
            ("angular", { try AngularLoss<Scalar>().valueWithGradient(embeddings: x, labels: labels) }),
            ("circle", { try CircleLoss<Scalar>().valueWithGradient(embeddings: x, labels: labels) }),
            ("gram", { (0, try matmul(x, x, transposeB: true)) }),
        ]
    }

    /// The bits of a scalar (sign, exponent, significand): equal only if bitwise equal.
    static func bits<Scalar: TensorScalar>(_ x: Scalar) -> [UInt64] {
        [x.sign == .minus ? 1 : 0, UInt64(x.exponentBitPattern), UInt64(x.significandBitPattern)]
    }

    /// Two consecutive steps (the second on kept buffers, some poisoned with NaN beforehand)
    /// give bitwise the value and gradient of a step after `release()`.
    func expectStepsIndependentOfThePool<Scalar: TensorScalar>(_ type: Scalar.Type) throws {
        for (name, step) in Self.steps(type) {
            ScratchMemory.release()
            let first = try step()
            // Stale contents a reader-before-writer would expose.
            for _ in 0..<2 { ScratchMemory.recycle([Scalar](repeating: .nan, count: 192 * 192)) }
            let second = try step()
            ScratchMemory.release()
            let fresh = try step()
            for (label, result) in [("first", first), ("second", second)] {
                #expect(Self.bits(result.0) == Self.bits(fresh.0), "\(name) \(Scalar.self) value, \(label) step")
                #expect(result.1.scalars.map(Self.bits) == fresh.1.scalars.map(Self.bits), "\(name) \(Scalar.self) gradient, \(label) step")
            }
        }
    }

    @Test func resultsWithKeptBuffersEqualResultsAfterRelease() throws {
        try expectStepsIndependentOfThePool(Float.self)
        try expectStepsIndependentOfThePool(Double.self)
    }

    @Test func keptBuffersAreTakenBackByTypeAndCount() {
        // A count no other test uses, so that concurrent suites cannot interfere.
        let count = 300_007
        ScratchMemory.recycle([Float](repeating: 1, count: count))
        #expect(ScratchMemory.take(Double.self, count: count) == nil)
        #expect(ScratchMemory.take(Float.self, count: count + 1) == nil)
        #expect(ScratchMemory.take(Float.self, count: count)?.count == count)
        #expect(ScratchMemory.take(Float.self, count: count) == nil)
        // Below the minimum nothing is kept.
        ScratchMemory.recycle([Float](repeating: 1, count: 1000))
        #expect(ScratchMemory.take(Float.self, count: 1000) == nil)
        let zeros = [Float](zeroedCount: count)
        #expect(zeros.count == count && zeros.allSatisfy { $0 == 0 })
    }

    @Test func thePoolStaysWithinItsBounds() {
        let pool = ScratchMemory.Pool()
        pool.limit = 5 << 20
        func entry(_ count: Int, _ type: Any.Type = Float.self) -> ScratchMemory.Entry {
            ScratchMemory.Entry(key: .init(type: ObjectIdentifier(type), count: count), bytes: count * 4, box: ScratchMemory.Box([Float]()))
        }
        for _ in 0..<(ScratchMemory.buffersPerSize + 3) { _ = pool.insert(entry(1 << 16)) }
        #expect(pool.entries.count == ScratchMemory.buffersPerSize)
        #expect(pool.bytes == ScratchMemory.buffersPerSize << 18)
        for size in 1...8 { _ = pool.insert(entry(size << 17, Double.self)) }
        #expect(pool.bytes <= pool.limit)
        #expect(pool.bytes == pool.entries.reduce(0) { $0 + $1.bytes })
        // The oldest go first: only the newest, 4 MiB, fits beside nothing else of these.
        #expect(pool.entries.map(\.key.count) == [8 << 17])
        pool.limit = 0
        #expect(pool.evict().count > 0 && pool.entries.isEmpty && pool.bytes == 0)

        // Many small blocks of distinct sizes: at most `maximumBuffers` are held, the newest.
        pool.limit = 1 << 30
        for size in 1...(ScratchMemory.maximumBuffers + 5) { _ = pool.insert(entry(size << 10, ScratchMemory.Block.self)) }
        #expect(pool.entries.count == ScratchMemory.maximumBuffers)
        #expect(pool.entries.first?.key.count == 6 << 10 && pool.entries.last?.key.count == (ScratchMemory.maximumBuffers + 5) << 10)
        pool.limit = 0
        _ = pool.evict()

        // The global pool under a limit of 0 keeps nothing, even while other suites recycle.
        let saved = ScratchMemory.limit
        ScratchMemory.limit = 0
        ScratchMemory.recycle([Float](repeating: 0, count: 1 << 18))
        #expect(ScratchMemory.retainedBytes == 0 && ScratchMemory.retainedBuffers == 0)
        ScratchMemory.limit = saved
        #expect(ScratchMemory.limit == saved)
        #expect(ScratchMemory.retainedBytes <= ScratchMemory.limit)
    }

    /// A kernel's packed block is kept from one page up (below the buffers' minimum: a block
    /// packed on a worker thread would otherwise come from that thread's heap, fresh each
    /// step); a smaller one is not.
    @Test func kernelBlocksAreKeptFromOnePage() {
        // Sizes no other test or kernel uses.
        let (kept, small) = (ScratchMemory.minimumBlockBytes + 4_093, ScratchMemory.minimumBlockBytes - 3)
        #expect(kept < ScratchMemory.minimumBytes)
        let block = ScratchMemory.block(byteCount: kept)
        ScratchMemory.recycle(block)
        #expect(ScratchMemory.block(byteCount: kept) === block)
        let tiny = ScratchMemory.block(byteCount: small)
        ScratchMemory.recycle(tiny)
        #expect(ScratchMemory.block(byteCount: small) !== tiny)
    }

    @Test func releaseEmptiesThePool() {
        let pool = ScratchMemory.Pool()
        _ = pool.insert(ScratchMemory.Entry(key: .init(type: ObjectIdentifier(Float.self), count: 1 << 16), bytes: 1 << 18,
                                            box: ScratchMemory.Box([Float]())))
        #expect(pool.removeAll().count == 1 && pool.entries.isEmpty && pool.bytes == 0)

        let count = 300_011
        ScratchMemory.recycle([Double](repeating: 1, count: count))
        let block = ScratchMemory.block(byteCount: 300_013)
        ScratchMemory.recycle(block)
        ScratchMemory.release()
        #expect(ScratchMemory.take(Double.self, count: count) == nil)
        #expect(ScratchMemory.block(byteCount: 300_013) !== block)
    }

    @Test func concurrentStepsShareThePoolSafely() async throws {
        let steps = Self.steps(Float.self).filter { ["multi-similarity+ms (fused)", "contrastive+pairmargin", "ntxent"].contains($0.0) }
        let references = try steps.map { try $0.1() }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var mismatches = 0
                    for round in 0..<2 {
                        let index = (task + round) % steps.count
                        let reference = references[index]
                        guard let result = try? steps[index].1() else { return mismatches + 1 }
                        if result.0.bitPattern != reference.0.bitPattern || result.1.scalars.map(\.bitPattern) != reference.1.scalars.map(\.bitPattern) {
                            mismatches += 1
                        }
                        // Buffers of one count filled and checked by each task.
                        let count = 1 << 16 + task
                        let own = [Float](uninitializedCount: count) { $0.update(repeating: Float(task)) }
                        if !own.allSatisfy({ $0 == Float(task) }) { mismatches += 1 }
                        ScratchMemory.recycle(own)
                    }
                    return mismatches
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(ScratchMemory.retainedBytes <= ScratchMemory.limit)
    }
}
