import Dispatch
import Synchronization

/// Worker threads that keep polling for the next parallel pass for a short while after each
/// one, so that the passes of one training step reach the other cores in about a microsecond
/// instead of the tens a sleeping thread takes to wake.
///
/// A pass is `count` indices split into one contiguous share per thread (the caller's first,
/// then each worker's), so that a thread runs the same rows in every pass of a step and finds
/// them in its own cache. Each thread takes its own share from the front, one index at a time,
/// then the others' shares from the back. The caller never waits for a worker to arrive, only
/// for the indices already taken to finish: a worker that is late (asleep, or descheduled by a
/// busy machine) finds its share taken. Who runs an index never changes what it computes, so
/// results stay bitwise the same for any thread count.
///
/// One caller at a time: `run` returns false when another pass holds the workers (a nested or
/// concurrent call), and the caller falls back to Dispatch.
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
final class PollingWorkers: @unchecked Sendable {
    /// The workers beside the calling thread: one fewer than the processors, or nil on one.
    static let shared: PollingWorkers? = ComputeThreads.available > 1 ? PollingWorkers(workers: ComputeThreads.available - 1) : nil

    /// How long a worker keeps polling after its last pass before it sleeps. Longer than the
    /// serial stretches between the passes of a step (tens to hundreds of microseconds), short
    /// enough that an idle library gives its cores back at once.
    static let pollNanoseconds: UInt64 = 500_000

    /// How late a polling worker may be, in joining a pass and in finishing its last index
    /// (nanoseconds), before the workers are taken to be short of processors. A worker
    /// preempted by another process is late by a scheduler slice (milliseconds); the last part
    /// of an uneven pass, by far less.
    static let lateJoin: UInt64 = 30_000, lateFinish: UInt64 = 150_000

    /// How long `run` then declines passes (leaving them to Dispatch's sleeping workers): the
    /// shortest and longest spell, in nanoseconds.
    static let shortestDecline: UInt64 = 2_000_000, longestDecline: UInt64 = 128_000_000

    /// The pass now open: its generation, even while open, odd while closed.
    private let generation = Atomic<UInt64>(1)
    /// One counter a thread's share of the open pass (the caller's first), each on a cache
    /// line of its own.
    private let shares: [Share]
    /// Indices of the open pass that have finished.
    private let finished = Atomic<Int>(0)
    /// Workers inside the open pass (holding its body); the caller closes the pass and waits
    /// for none before it returns.
    private let inside = Atomic<Int>(0)
    /// Taken by the caller of the pass in progress.
    private let taken = Atomic<Bool>(false)
    /// Until this uptime (nanoseconds) `run` declines every pass: the workers were seen not
    /// getting a processor.
    private let declineUntil = Atomic<UInt64>(0)
    private let sleepers: [Sleeper]
    nonisolated(unsafe) private var body: ((Int) -> Void)?
    nonisolated(unsafe) private var count = 0
    /// The last spell of declining and when it began (uptime nanoseconds); owned by the
    /// caller holding `taken`.
    nonisolated(unsafe) private var decline: UInt64 = 0, lastShort: UInt64 = 0

    /// A worker's flag and semaphore for sleeping between bursts of passes.
    private final class Sleeper: Sendable {
        let asleep = Atomic<Bool>(false)
        let semaphore = DispatchSemaphore(value: 0)
    }

    /// How much of one share is taken: from the front (by its owner) in the low 32 bits, from
    /// the back (by the other threads) in the high 32. One word, so that every take sees all
    /// earlier ones: index `front` is free when `front + back` is below the share's size.
    private final class Share: Sendable {
        let taken = Atomic<UInt64>(0)
        /// Keeps the next share's counter off this one's cache line.
        let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// `workers` threads of their own (the library uses `shared`; tests make their own, which
    /// no other caller holds).
    init(workers: Int) {
        sleepers = (0..<workers).map { _ in Sleeper() }
        shares = (0...workers).map { _ in Share() }
        for (number, sleeper) in sleepers.enumerated() {
            DispatchQueue(label: "MetricLearning.PollingWorkers.\(number)").async { [self] in
                work(sleeper, share: number + 1)
            }
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, on the calling thread and any worker that
    /// joins; false (nothing run) when another pass holds the workers, or while they decline
    /// passes after one found them short of processors (unless `evenIfShort`).
    func run(_ count: Int, evenIfShort: Bool = false, _ body: (Int) -> Void) -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        guard count < Int(Int32.max), evenIfShort || start >= declineUntil.load(ordering: .relaxed),
              taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.count = count
            finished.store(0, ordering: .relaxed)
            for share in shares { share.taken.store(0, ordering: .relaxed) }
            let open = generation.load(ordering: .relaxed) &+ 1
            generation.store(open, ordering: .sequentiallyConsistent)
            var woken = false
            for sleeper in sleepers where sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                sleeper.semaphore.signal()
                woken = true
            }
            let done = take(from: 0, body)
            let own = DispatchTime.now().uptimeNanoseconds
            if finished.add(done, ordering: .acquiringAndReleasing).newValue < count {
                while finished.load(ordering: .acquiring) < count {}
            }
            // A polling worker joins within a microsecond or two, and its last index ends soon
            // after the caller's. When it ran nothing of a pass that lasted far longer, or kept
            // the caller waiting long, another process holds its processor; a sleeping worker,
            // woken, would get one sooner, so leave the passes to Dispatch for a while.
            let end = DispatchTime.now().uptimeNanoseconds
            let absent = done == count && count > 1 && !woken && own - start > Self.lateJoin
            let stalled = end - own > Self.lateFinish
            // Such a pass may be a one-off (a page faulted in, a thread's first run): decline
            // briefly at first, and twice as long each time they are found short again within
            // a second.
            if absent || stalled {
                decline = end - lastShort < 1_000_000_000 ? Swift.min(2 * decline, Self.longestDecline) : Self.shortestDecline
                lastShort = end
                declineUntil.store(end + decline, ordering: .relaxed)
            }
            // Close the pass and wait until no worker holds the body.
            generation.store(open &+ 1, ordering: .sequentiallyConsistent)
            while inside.load(ordering: .sequentiallyConsistent) != 0 {}
            self.body = nil
        }
        taken.store(false, ordering: .releasing)
        return true
    }

    /// Runs indices of the open pass until none is left: share `own` from the front, then the
    /// other shares from the back; returns how many it ran.
    private func take(from own: Int, _ body: (Int) -> Void) -> Int {
        var done = 0
        let parts = shares.count
        for step in 0..<parts {
            let part = (own + step) % parts
            let lower = count * part / parts, size = UInt64(count * (part + 1) / parts - lower)
            let share = shares[part]
            let increment: UInt64 = step == 0 ? 1 : 1 << 32
            // A share seen taken is passed by with a read: a late thread on a machine of many
            // cores does not pull every share's line to itself to find nothing left.
            let seen = share.taken.load(ordering: .relaxed)
            if (seen & 0xFFFF_FFFF) + (seen >> 32) >= size { continue }
            while true {
                let before = share.taken.add(increment, ordering: .relaxed).oldValue
                let front = before & 0xFFFF_FFFF, back = before >> 32
                guard front + back < size else { break }
                body(lower + Int(step == 0 ? front : size - 1 - back))
                done += 1
            }
        }
        return done
    }

    /// A worker's loop: poll for an open pass it has not joined, join it, and sleep after
    /// `pollNanoseconds` without one.
    private func work(_ sleeper: Sleeper, share: Int) {
        var joined: UInt64 = 1
        var idleSince = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let open = generation.load(ordering: .acquiring)
            if open != joined && open & 1 == 0 {
                inside.add(1, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == open {
                    joinPass(share: share)
                }
                inside.subtract(1, ordering: .releasing)
                joined = open
                idleSince = DispatchTime.now().uptimeNanoseconds
                continue
            }
            polls += 1
            guard polls & 255 == 0 else { continue }
            // While passes are declined none will come: stop polling at once, leaving the
            // processor to the calling thread and whatever else needs it.
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - idleSince > Self.pollNanoseconds || now < declineUntil.load(ordering: .relaxed) else { continue }
            // Sleep, unless a pass opened meanwhile (the caller clears `asleep` and signals).
            sleeper.asleep.store(true, ordering: .sequentiallyConsistent)
            let latest = generation.load(ordering: .sequentiallyConsistent)
            if latest != joined && latest & 1 == 0 && sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                continue
            }
            sleeper.semaphore.wait()
            idleSince = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// Runs indices of the open pass, its own share first (the worker is counted `inside`, so
    /// the body stays valid); every copy of the body is released before it returns.
    @inline(never)
    private func joinPass(share: Int) {
        guard let body else { return }
        let done = take(from: share, body)
        if done > 0 { finished.add(done, ordering: .releasing) }
    }
}
