import Dispatch
import MetricLearning

/// Float matrix-product throughput at square sizes, in GFLOP/s (best of several runs).
func gemmBenchmark(sizes: [Int]) throws -> [(String, Double)] {
    var results: [(String, Double)] = []
    for n in sizes {
        let a = try Tensor<Float>.randomNormal(shape: [n, n], seed: 1)
        let b = try Tensor<Float>.randomNormal(shape: [n, n], seed: 2)
        _ = try matmul(a, b)
        let repeats = max(3, min(50, (1 << 31) / (n * n * n)))
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let c = try matmul(a, b)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(c.count == n * n)
            best = min(best, seconds)
        }
        let gflops = 2 * Double(n) * Double(n) * Double(n) / best / 1e9
        results.append(("gemm@\(n)", gflops))
    }
    return results
}
