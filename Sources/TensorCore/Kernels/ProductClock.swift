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
    private var total: UInt64 = 0

    package init() {}

    /// The nanoseconds the products added so far.
    package var nanoseconds: UInt64 { queue.sync { total } }

    /// Runs `body`, adding its wall time to the bound clock, if any.
    @inline(__always)
    static func timing(_ body: () -> Void) {
        guard let clock = current else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        clock.queue.sync { clock.total += elapsed }
    }
}
