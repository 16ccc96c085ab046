import MetricLearning
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// metric-bench [--json] [gemm | NxD ...]
///
/// `gemm` prints Float matrix-product GFLOP/s at 256…2048. Otherwise each NxD size
/// (default 128x64 512x128 2048x128) runs the six cases of the peer benchmark
/// `Scripts/pml_bench.py` and prints the median step time; `--case=NAME` runs one case.
/// The peak resident memory of the run is printed at the end. With `--json` the last line
/// is one JSON object of the figures.
let arguments = Array(CommandLine.arguments.dropFirst())
let json = arguments.contains("--json")
let positional = arguments.filter { !$0.hasPrefix("--") }
var figures: [(String, Double)] = []

func formatted(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

if positional.first == "gemm" {
    for (name, value) in try gemmBenchmark(sizes: [256, 512, 1024, 2048]) {
        print("\(name.padding(toLength: 12))\(formatted(value, digits: 1)) GFLOP/s")
        figures.append((name, (value * 10).rounded() / 10))
    }
} else {
    var sizes: [(Int, Int)] = []
    for argument in positional {
        let parts = argument.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
            print("metric-bench: '\(argument)' is not a size NxD (for example 2048x128) or 'gemm'")
            exit(2)
        }
        sizes.append((parts[0], parts[1]))
    }
    if sizes.isEmpty { sizes = [(128, 64), (512, 128), (2048, 128)] }
    let only = arguments.first { $0.hasPrefix("--case=") }.map { String($0.dropFirst(7)) }
    for (n, d) in sizes {
        for benchmark in LossBenchmarkCase.all where only == nil || benchmark.name == only {
            let seconds = try benchmark.medianSeconds(count: n, width: d, repeats: n >= 2048 ? 5 : 15)
            print("\(benchmark.name.padding(toLength: 24)) N=\(n) D=\(d)  median \(formatted(seconds * 1000, digits: 2)) ms")
            figures.append(("\(benchmark.name)@\(n)x\(d)", seconds))
        }
    }
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("peak memory \(usage.ru_maxrss / 1024) MB")
if json {
    print("{" + figures.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

extension String {
    func padding(toLength width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
