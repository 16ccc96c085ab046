import Dispatch

/// The wall time spent in matrix products while a clock is bound to the current task, so that
/// `metric-bench` can tell a step's products from the rest of it. Unbound (always, outside the
/// benchmark), a product pays one task-local read.
///
///     let clock = ProductClock()
///     try ProductClock.$current.withValue(clock) { try step() }
///     clock.nanoseconds   // inside `MatrixMultiply.multiply`, on this task
package final class ProductClock: @unchecked Sendable {
    /// The clock that products on this task add to, if any.
    @TaskLocal package static var current: ProductClock?

    /// Guards `total` (the products of child tasks may add to it from several threads).
    private let queue = DispatchQueue(label: "ProductClock")
    private var total: UInt64 = 0, inside: UInt64 = 0

    package init() {}

    /// The nanoseconds the products added so far.
    package var nanoseconds: UInt64 { queue.sync { total } }

    /// The nanoseconds of other work run inside the products (summed over the threads that ran
    /// it, as taken from the products' time), counted in the rest of the step.
    package var insideNanoseconds: UInt64 { queue.sync { inside } }

    /// Adds `nanoseconds` to the total, and `inside` to the other work inside the products.
    private func add(_ nanoseconds: UInt64, inside work: UInt64 = 0) { queue.sync { (total, inside) = (total + nanoseconds, inside + work) } }

    /// Runs `body`, adding its wall time to the bound clock, if any, less the time `body`
    /// spends in `Exclusion.measuring` (summed over threads: work run beside the product,
    /// such as a distance matrix's conversion, counts as the rest of the step, never less).
    @inline(__always)
    static func timing(_ body: (_ excluded: Exclusion) -> Void) {
        guard let clock = current else { return body(Exclusion(clock: nil)) }
        let excluded = ProductClock()
        let start = DispatchTime.now().uptimeNanoseconds
        body(Exclusion(clock: excluded))
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let inside = Swift.min(elapsed, excluded.nanoseconds)
        clock.add(elapsed - inside, inside: inside)
    }

    /// Where work inside a timed product reports the time that is not the product's.
    struct Exclusion: Sendable {
        /// The clock that collects the excluded time; nil when no clock is bound.
        let clock: ProductClock?

        /// Runs `body`, keeping its wall time out of the product's.
        @inline(__always)
        func measuring(_ body: () -> Void) {
            guard let clock else { return body() }
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            clock.add(DispatchTime.now().uptimeNanoseconds - start)
        }
    }
}
