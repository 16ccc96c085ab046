import Dispatch

/// Runs `body(i)` for `i` in `0..<count`, on several threads when `work` (a rough
/// count of scalar operations) is large enough to repay the hand-off.
///
/// Callers give each index a disjoint slice of the output and a fixed order of
/// accumulation inside it, so results never depend on the number of threads.
@usableFromInline func parallelFor(_ count: Int, work: Int, _ body: (Int) -> Void) {
    if count > 1 && work >= parallelWorkThreshold {
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { body($0) }
        }
    } else {
        for i in 0..<count { body(i) }
    }
}

/// Below this many scalar operations a kernel stays on the calling thread.
@usableFromInline let parallelWorkThreshold = 1 << 18
