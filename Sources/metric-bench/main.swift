import MetricLearning
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// metric-bench [--json] [--suite core|catalogue|miners|all] [--cases A,B,…] [--classes C] [--repeats R] [--warmups W] [gemm | NxD ...]
///
/// `gemm` prints Float matrix-product GFLOP/s at 256…2048, at the shapes of an N×128 pair-loss
/// step and at those of a classifier step with 10,000 classes at 512×512. Otherwise each NxD size
/// (default 128x64 512x128 2048x128) runs the cases of the peer benchmark
/// `Scripts/pml_bench.py` (same names, data and keys; suite `core` by default) and prints the
/// median step time and the minor page faults of a steady-state step (pages the step touched for
/// the first time: fresh allocations). `--cases` (or `--case=NAME`) runs only the named cases; `--classes C`
/// draws labels from C classes instead of N/8 and appends `cC` to the keys. The peak resident
/// memory of the run is printed at the end. `--repeats R` times R steps per case instead of 15
/// (5 from N = 2048), for a profiler to sample a case long enough; `--warmups W` runs W untimed
/// steps first instead of 10 (at least 2: the first fills the scratch pool; the allocator's
/// heap takes a few more steps to reach its working size). Beside each median step stands the time that step
/// spent in matrix products and the rest, and how much of the rest is other work run inside the products
/// (distances converted, a miner's selection), summed over the threads that ran it. With `--json` the last line is one JSON object of
/// the figures. The first line names the kernels of this build (fused multiply-add or not, the
/// matrix product's tile); a build with the `FusedMultiplyAdd` trait but no FMA in its target CPU
/// prints a warning before it.
var arguments = Array(CommandLine.arguments.dropFirst())
/// Removes `--name VALUE` from the arguments and returns VALUE.
@MainActor func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name) else { return nil }
    guard i + 1 < arguments.count else {
        print("metric-bench: \(name) needs a value")
        exit(2)
    }
    defer { arguments.removeSubrange(i...(i + 1)) }
    return arguments[i + 1]
}
let suiteName = option("--suite") ?? "core"
let classes = option("--classes").map { Int($0) ?? 0 }
let repeats = option("--repeats").map { Int($0) ?? 0 }
let warmups = option("--warmups").map { Int($0) ?? -1 }
let only = option("--cases").map { $0.split(separator: ",").map(String.init) }
    ?? arguments.first { $0.hasPrefix("--case=") }.map { [String($0.dropFirst(7))] }
let json = arguments.contains("--json")
let positional = arguments.filter { !$0.hasPrefix("--") }
var figures: [(String, Double)] = []

func formatted(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

if KernelBuild.fusedMultiplyAddIsSlow {
    print("""
        warning: built with the FusedMultiplyAdd trait, but a fused multiply-add is a call here, tens of times \
        slower than separate ones: the target CPU has no FMA (build with -Xswiftc -target-cpu -Xswiftc native, \
        or drop the trait) or this is a debug build (build with -c release).
        """)
}
print("kernels: \(KernelBuild.fusesMultiplyAdd ? "fused" : "separate") multiply-add, matrix tile \(KernelBuild.matrixTile)")

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
    guard let suite = LossBenchmarkCase.suite(suiteName) else {
        print("metric-bench: no suite '\(suiteName)' (core, catalogue, miners or all)")
        exit(2)
    }
    if let repeats, repeats < 1 {
        print("metric-bench: --repeats needs a whole number ≥ 1")
        exit(2)
    }
    if let warmups, warmups < 2 {
        print("metric-bench: --warmups needs a whole number ≥ 2")
        exit(2)
    }
    if let classes, classes < 1 {
        print("metric-bench: --classes needs a whole number ≥ 1")
        exit(2)
    }
    let unknown = (only ?? []).filter { name in !suite.contains { $0.name == name } }
    if !unknown.isEmpty { print("metric-bench: not in suite \(suiteName) (or not implemented yet): \(unknown.joined(separator: ", "))") }
    for (n, d) in sizes {
        for benchmark in suite where only == nil || only!.contains(benchmark.name) {
            let (seconds, products, inside, faults) = try benchmark.medianStep(count: n, width: d, classes: classes, repeats: repeats ?? (n >= 2048 ? 5 : 15), warmups: warmups ?? 10)
            let key = "\(benchmark.name)@\(n)x\(d)" + (classes.map { "c\($0)" } ?? "")
            print("\(key.padding(toLength: 36))  median \(formatted(seconds * 1000, digits: 2)) ms",
                  "(products \(formatted(products * 1000, digits: 2)), rest \(formatted((seconds - products) * 1000, digits: 2))"
                    + (inside > 0 ? ", \(formatted(inside * 1000, digits: 2)) of it inside the products)" : ")"),
                  " \(formatted(faults, digits: 1)) faults/step")
            figures.append((key, seconds))
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
