import Testing
import Dispatch
import Synchronization
@testable import TensorCore

/// `ProductClock`: work run inside a product (a `DistanceMatrixVisit`) is taken from the
/// product's time and reported as the rest's share inside the products.
@Suite("Product clock")
struct ProductClockTests {
    @Test func workInsideAProductCountsAsTheRest() throws {
        guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return }
        let n = 200, spin: UInt64 = 200_000
        let x = try Tensor<Float>.randomNormal(shape: [n, 16], seed: 3)
        let parts = Atomic<Int>(0)
        // Each part of the matrix spins 0.2 ms on the thread that computed it.
        let visit = DistanceMatrixVisit(count: n) { _, _, _ in
            parts.add(1, ordering: .relaxed)
            let end = DispatchTime.now().uptimeNanoseconds + spin
            while DispatchTime.now().uptimeNanoseconds < end {}
        }
        let clock = ProductClock()
        // One thread, so that the parts' time is not summed over threads running at once.
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try ComputeThreads.withLimit(1) {
            try ProductClock.$current.withValue(clock) {
                try DistanceMatrixVisit.$current.withValue(visit) { try DistanceMatrix.compute(x, x, root: false) }
            }
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let visited = parts.load(ordering: .relaxed)
        #expect(visited > 0 && visit.covered)
        #expect(clock.insideNanoseconds >= UInt64(visited) * spin, "inside \(clock.insideNanoseconds) ns for \(visited) parts")
        #expect(clock.nanoseconds + clock.insideNanoseconds <= elapsed)
    }
}
