import Dispatch

/// Runs `body(i)` for `i` in `0..<count` on up to `ComputeThreads.limit` threads, when
/// `work` (a rough count of scalar operations) is large enough to repay the hand-off: from
/// `pollingParallelWork` on the `PollingWorkers` (every processor allowed, the workers free
/// and not declining), else from `defaultParallelWork` through Dispatch.
///
/// Callers give each index a disjoint slice of the output and a fixed order of
/// accumulation inside it, and the split into indices never depends on the threads,
/// so results are bitwise the same for any thread count.
@usableFromInline package func parallelFor(_ count: Int, work: Int, _ body: (Int) -> Void) {
    let threads = Swift.min(ComputeThreads.limit, count)
    if threads > 1 && (work >= pollingParallelWork || work >= parallelWorkThreshold),
       ComputeThreads.limit >= ComputeThreads.available, #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *),
       let workers = PollingWorkers.shared, workers.run(count, body) {
        return
    }
    if threads > 1 && (work >= defaultParallelWork || work >= parallelWorkThreshold) {
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            if ComputeThreads.limit >= ComputeThreads.available {
                // Every processor allowed: let Dispatch hand out the indices as threads free
                // up, which balances parts of unequal size (the results do not depend on who
                // runs which index).
                DispatchQueue.concurrentPerform(iterations: count) { body($0) }
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    for i in stride(from: worker, to: count, by: threads) { body(i) }
                }
            }
        }
    } else {
        for i in 0..<count { body(i) }
    }
}

/// Below this many scalar operations a kernel stays on the calling thread: waking a worker
/// costs tens of microseconds, more than such a part takes (measured: 512-row steps ran
/// 10–25% faster with 2²² than with 2¹⁸; 2048-row steps were unchanged).
@usableFromInline package var parallelWorkThreshold: Int { ComputeThreads.minimumParallelWork }

/// The least work split over the polling workers, which take a part over in about a microsecond.
@usableFromInline package let pollingParallelWork = 1 << 20

/// The default of `ComputeThreads.minimumParallelWork`, checked first (without a task-local read).
@usableFromInline package let defaultParallelWork = 1 << 22

/// Splits `0..<count` into `chunks` contiguous ranges (a split that never depends on the
/// threads), runs `body` on each in parallel when `work` is large enough, and returns
/// the results in range order — so concatenating them gives the sequential result.
@usableFromInline package func parallelRanges<Result>(_ count: Int, chunks: Int = 16, work: Int, _ body: (Range<Int>) -> Result) -> [Result] {
    let parts = Swift.max(1, Swift.min(chunks, count))
    var results = [Result?](repeating: nil, count: parts)
    results.withUnsafeMutableBufferPointer { slots in
        nonisolated(unsafe) let slots = slots
        parallelFor(parts, work: work) { part in
            let lower = count * part / parts, upper = count * (part + 1) / parts
            slots[part] = body(lower..<upper)
        }
    }
    return results.map { $0! }
}

/// The work `parallelFor` counts for one division or square root: about the time of 16
/// multiply-adds in a vector loop.
@usableFromInline package let divisionWork = 16
