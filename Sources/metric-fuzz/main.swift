// metric-fuzz: seeded fuzzing of every enrolled loss, miner, distance and reducer (and
// every loss × miner pair, and CrossBatchMemory) with hostile inputs, in Float and Double.
//
// Iteration i runs one case: kind i mod 7, scalar type (i / 7) mod 2, object i / 14 (round
// robin), inputs drawn from a generator seeded by the seed and i. Each call is judged by
// the design's bad-input policy (see FuzzOutcome): a named `MetricLearningError` for bad
// input and a named overflow for huge input are fine; any other error, a NaN or ∞ from
// finite input, a refusal of valid input, acceptance of bad input, miner tuples that break
// the labels, and a fused result that differs from mining-then-reducing are defects. A
// crash is a crash: under --verbose each call is printed (and flushed) before it is made.
//
// Overflows of results that do not grow with the input, and different values of such
// results at huge magnitudes, are reported as suspects (defects under --strict).
//
// Prints one line per kind, then `fuzz: C calls, D defects`; exits 1 when D > 0.
import Foundation
import MetricLearning

let options: FuzzOptions
do {
    options = try FuzzOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch let problem as FuzzOptions.Problem {
    if let message = problem.message { FileHandle.standardError.write(Data("metric-fuzz: \(message)\n".utf8)) }
    print(FuzzOptions.usage)
    exit(problem.message == nil ? 0 : 2)
}

let verbose = options.verbose || options.only != nil
let floatFuzzer = Fuzzer<Float>(seed: options.seed, verbose: verbose, dumpsInputs: options.only != nil)
let doubleFuzzer = Fuzzer<Double>(seed: options.seed, verbose: verbose, dumpsInputs: options.only != nil)
let kinds = FuzzKind.allCases
var tally = FuzzTally()
let clock = ContinuousClock()
let start = clock.now
let budget = options.seconds.map { Duration.milliseconds(Int64($0 * 1000)) }
var iterations = 0

for i in options.range {
    if let budget, clock.now - start >= budget { break }
    // One independent stream per case, so `--only i` replays case i exactly.
    let caseSeed = options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i)
    let kind = kinds[i % kinds.count]
    let index = i / (2 * kinds.count)
    if (i / kinds.count) % 2 == 0 {
        floatFuzzer.run(kind, index: index, iteration: i, caseSeed: caseSeed, tally: &tally)
    } else {
        doubleFuzzer.run(kind, index: index, iteration: i, caseSeed: caseSeed, tally: &tally)
    }
    iterations += 1
}

let elapsed = clock.now - start
// Defects always; suspects (many, of few causes) under --verbose or --strict.
for report in tally.reports where verbose || options.strict || report.hasPrefix("DEFECT") { print(report) }
if verbose || tally.defects > 0 {
    print("per object:")
    for line in tally.objectLines(onlyDefective: !verbose) { print(line) }
}
for line in tally.kindLines { print(line) }
print("seed \(options.seed), \(iterations) iterations in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
if tally.suspects > 0 {
    print("\(tally.suspects) suspects (overflows or values a scale-invariant result should not have; "
          + (options.strict ? "counted as defects under --strict" : "not defects without --strict") + ")")
}
let defects = tally.defects + (options.strict ? tally.suspects : 0)
print("fuzz: \(tally.calls) calls, \(defects) defects")
exit(defects > 0 ? 1 : 0)
