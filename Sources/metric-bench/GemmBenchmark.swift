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
    // The shapes of a loss step at N×128: X·Xᵀ (Gram, half the work), G·X and Gᵀ·X.
    for n in sizes where n >= 512 {
        let x = try Tensor<Float>.randomNormal(shape: [n, 128], seed: 3)
        let g = try Tensor<Float>.randomNormal(shape: [n, n], seed: 4)
        let shapes: [(String, () throws -> Tensor<Float>)] = [
            ("gram@\(n)x128", { try matmul(x, x, transposeB: true) }),
            ("gx@\(n)x128", { try matmul(g, x) }),
            ("gtx@\(n)x128", { try matmul(g, x, transposeA: true) }),
        ]
        for (name, product) in shapes {
            results.append((name, 2 * Double(n) * Double(n) * 128 / (try bestSeconds(product)) / 1e9))
        }
    }
    // The three products of a classifier step at face-recognition scale (--classes 10000
    // 512x512): cosines x·W, then G·Wᵀ and xᵀ·G backward (W is [D, C]).
    let (n, d, c) = (512, 512, 10_000)
    let x = try Tensor<Float>.randomNormal(shape: [n, d], seed: 5)
    let w = try Tensor<Float>.randomNormal(shape: [d, c], seed: 6)
    let g = try Tensor<Float>.randomNormal(shape: [n, c], seed: 7)
    let classifier: [(String, () throws -> Tensor<Float>)] = [
        ("xw@512x512x10000", { try matmul(x, w) }),
        ("gwt@512x512x10000", { try matmul(g, w, transposeB: true) }),
        ("xtg@512x512x10000", { try matmul(x, g, transposeA: true) }),
    ]
    for (name, product) in classifier {
        results.append((name, 2 * Double(n) * Double(d) * Double(c) / (try bestSeconds(product)) / 1e9))
    }
    return results
}

/// The best of ten timed runs of `product` after one warm-up, in seconds.
func bestSeconds(_ product: () throws -> Tensor<Float>) throws -> Double {
    _ = try product()
    var best = Double.infinity
    for _ in 0..<10 {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try product()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}
