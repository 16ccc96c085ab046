import MetricLearning

let arguments = Array(CommandLine.arguments.dropFirst())
let json = arguments.contains("--json")
let positional = arguments.filter { !$0.hasPrefix("--") }
if positional.first == "gemm" {
    let results = try gemmBenchmark(sizes: [256, 512, 1024, 2048])
    for (name, value) in results { print("\(name.padding(12)) \(String(format1: value)) GFLOP/s") }
    if json { print("{" + results.map { "\"\($0.0)\": \(String(format1: $0.1))" }.joined(separator: ", ") + "}") }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    init(format1 value: Double) { self = String(Double(Int((value * 10).rounded())) / 10) }
}
