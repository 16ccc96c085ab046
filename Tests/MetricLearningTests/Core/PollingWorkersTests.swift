import Testing
import Dispatch
import Foundation
@testable import TensorCore

/// `PollingWorkers`: every index of a pass runs exactly once, whoever runs it; a pass started
/// inside a pass (or beside one) is declined, not deadlocked; and sleeping workers wake.
@Suite("Polling workers")
struct PollingWorkersTests {
    /// Runs one pass of `count` indices that each mark their own slot (spinning `spin` loop
    /// turns first); returns whether the workers ran it and the marks.
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    static func pass(_ workers: PollingWorkers, count: Int, spin: Int = 0) -> (ran: Bool, marks: [Int]) {
        var marks = [Int](repeating: 0, count: count)
        let ran = marks.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            return workers.run(count, evenIfShort: true) { i in
                var sink = i
                for turn in 0..<spin { sink = sink &* 31 &+ turn }
                slots[i] += 1 + (sink == .min ? 1 : 0)
            }
        }
        return (ran, marks)
    }

    // Each test makes workers of its own: the shared ones are held by other tests' passes.

    @Test func everyIndexRunsOnce() {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let workers = PollingWorkers(workers: 2)
        for count in [1, 2, 3, 7, 16, 64, 513] {
            for spin in [0, 2_000] {
                let (ran, marks) = Self.pass(workers, count: count, spin: spin)
                #expect(ran)
                #expect(marks == [Int](repeating: 1, count: count), "count \(count), spin \(spin)")
            }
        }
    }

    @Test func aPassInsideAPassIsDeclined() {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let workers = PollingWorkers(workers: 1)
        var inner = [Bool](repeating: true, count: 4)
        let outer = inner.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            return workers.run(4, evenIfShort: true) { i in slots[i] = Self.pass(workers, count: 3).ran }
        }
        #expect(outer)
        #expect(inner == [false, false, false, false])
        // Free again afterwards.
        let after = Self.pass(workers, count: 3)
        #expect(after.ran && after.marks == [1, 1, 1])
    }

    /// Each thread keeps to its own share of a pass, so that it finds the same rows in its cache
    /// in every pass: the caller runs a front part of the first half and a back part of the
    /// second, the worker the rest — however late the worker joins. In passes where the worker
    /// joined, a shared counter would interleave the two.
    @Test func eachThreadRunsItsOwnShareFirst() {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let workers = PollingWorkers(workers: 1)
        let count = 64, half = count / 2
        var (joined, passes) = (0, 0)
        // Fifty passes, and more (for up to ten seconds) until the worker has joined one: on a
        // loaded machine its thread may be slow to start.
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        while passes < 50 || (joined == 0 && DispatchTime.now().uptimeNanoseconds < deadline) {
            passes += 1
            var byCaller = [Bool](repeating: false, count: count)
            let caller = Thread.current
            let ran = byCaller.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                return workers.run(count, evenIfShort: true) { i in
                    var sink = i
                    for turn in 0..<20_000 { sink = sink &* 31 &+ turn }
                    slots[i] = Thread.current == caller && sink != .min
                }
            }
            #expect(ran)
            let first = byCaller[..<half], second = byCaller[half...]
            let callerFront = first.prefix { $0 }.count, callerBack = second.reversed().prefix { $0 }.count
            #expect(first.dropFirst(callerFront).allSatisfy { !$0 } && second.dropLast(callerBack).allSatisfy { !$0 },
                    "the caller ran \(byCaller.indices.filter { byCaller[$0] })")
            if byCaller.contains(false) { joined += 1 }
        }
        #expect(joined > 0, "the worker never joined a pass")
    }

    /// Passes from several threads at once: each runs whole or is declined.
    @Test func concurrentCallersEachRunWholeOrNotAtAll() {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let workers = PollingWorkers(workers: 1)
        let callers = 4, passes = 200
        var wrong = [Int](repeating: 0, count: callers)
        wrong.withUnsafeMutableBufferPointer { counts in
            nonisolated(unsafe) let counts = counts
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                for pass in 0..<passes {
                    let (ran, marks) = Self.pass(workers, count: 1 + (pass * 7 + caller) % 40)
                    if marks != [Int](repeating: ran ? 1 : 0, count: marks.count) { counts[caller] += 1 }
                }
            }
        }
        #expect(wrong == [Int](repeating: 0, count: callers))
    }

    /// After the workers have gone to sleep, a pass still completes (the caller wakes them,
    /// and runs every index itself if they are slow to come).
    @Test func passesAfterTheWorkersSleep() {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let workers = PollingWorkers(workers: 1)
        for _ in 0..<3 {
            let idle = DispatchTime.now().uptimeNanoseconds + 2 * PollingWorkers.pollNanoseconds
            while DispatchTime.now().uptimeNanoseconds < idle {}
            let (ran, marks) = Self.pass(workers, count: 33, spin: 5_000)
            #expect(ran)
            #expect(marks == [Int](repeating: 1, count: 33))
        }
    }

    /// `parallelFor` over the workers gives each index exactly once, at the least work that is
    /// split over them.
    @Test func parallelForOverTheWorkers() {
        for count in [2, 5, 100] {
            var marks = [Int](repeating: 0, count: count)
            marks.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                parallelFor(count, work: pollingParallelWork) { slots[$0] += 1 }
            }
            #expect(marks == [Int](repeating: 1, count: count))
        }
    }
}
