import Dispatch
import Testing
import MetricLearning
@testable import TensorCore

/// Results with no elements, made on many threads at once. Each kernel once built them with
/// `Array(unsafeUninitializedCapacity: 0, …)`, which writes the count of the standard library's
/// shared empty-array storage: a data race ThreadSanitizer reports
/// (`swift test --sanitize=thread --filter EmptyResult`). The values are checked in any build.
@Suite("Empty results")
struct EmptyResultTests {
    @Test func emptyResultsOnManyThreadsAtOnce() throws {
        let empty = try Tensor<Float>.zeros(shape: [0, 3])
        let row = try Tensor<Float>(shape: [1, 3], scalars: [1, 2, 3])
        let weights = try Tensor<Float>.zeros(shape: [3, 0])
        let shapes = [[0, 3], [0, 3], [0, 3], [0, 0], [0, 0], [0, 3], [0, 3], [0]]
        let outcomes = UnsafeMutableBufferPointer<[[Int]]>.allocate(capacity: 64)
        outcomes.initialize(repeating: [])
        defer { outcomes.deinitialize().deallocate() }
        nonisolated(unsafe) let slots = outcomes
        DispatchQueue.concurrentPerform(iterations: outcomes.count) { i in
            let results = [
                try? empty + row,                              // broadcast
                empty.map { $0 + 1 },                          // elementwise map
                empty.squareRoot(),                            // elementwise root
                try? matmul(empty, try Tensor<Float>.zeros(shape: [3, 0])),  // product
                try? pairwiseDistances(empty, empty),          // distance matrix
                try? empty.normalizedRows(),                   // row normalisation
                try? symmetrizedProduct(try Tensor<Float>.zeros(shape: [0, 0]), empty),
                try? matmul(row, weights).reshaped(to: [0]),
            ]
            slots[i] = results.map { $0.map { $0.count == 0 ? $0.shape : [-1] } ?? [-2] }
        }
        for outcome in outcomes { #expect(outcome == shapes) }
    }
}
