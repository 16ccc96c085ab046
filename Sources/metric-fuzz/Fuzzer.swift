#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetricLearning
import MetricLearningRegistry

/// Calls every enrolled object of one scalar type with hostile inputs and judges each call.
///
/// One case per iteration: the iteration picks the kind and the object (round robin, so
/// every object and every loss × miner pair is reached), and a `HostileInputs` seeded by
/// the run's seed and the iteration draws the inputs. The case methods live in
/// `Fuzzer+Losses.swift` and `Fuzzer+Components.swift`.
struct Fuzzer<S: TensorScalar> {
    let metricLosses: [RegistryEntry<any MetricLoss<S>>] = Registry.metricLosses()
    let classifierLosses: [RegistryEntry<any ClassifierLoss<S>>] = Registry.classifierLosses()
    let miners: [RegistryEntry<any Miner<S>>] = Registry.miners()
    let distances: [RegistryEntry<any Distance<S>>] = Registry.distances()
    let reducers: [RegistryEntry<any Reducer<S>>] = Registry.reducers()

    /// The run's seed.
    let seed: UInt64
    /// Print each call before making it.
    let verbose: Bool
    /// Print the inputs in full (for `--only`).
    let dumpsInputs: Bool

    /// What a call may do with its inputs, judged by the design's bad-input policy.
    struct Expectation {
        /// The input is valid: a `MetricLearningError` other than `.overflow` is a defect.
        var mustAccept: Bool
        /// The input is bad: returning a result is a defect.
        var mustReject: Bool
        /// Every floating-point input is finite: a NaN or ∞ result is a defect.
        var finite: Bool
        /// Every input is finite and at most 1e3 in magnitude: an `.overflow` error is a defect.
        var moderate: Bool
        /// The largest magnitude among the finite inputs.
        var largest: Double
        /// The smallest non-zero magnitude among the finite inputs.
        var smallest: Double
        /// Finite inputs far larger than 1 (the largest beyond 2^20). (Not tiny ones: rows with
        /// norms below 1e-12 are divided by 1e-12, not their norms, as in PyTorch's
        /// `normalize`, so tiny inputs rightly change scale-invariant results.)
        var huge: Bool { finite && largest >= 0x1p20 }

        /// The expectation for a call on `tensors` that is valid or bad as `valid` says.
        init(valid: Bool, checked: Bool = true, _ tensors: [Tensor<S>]) {
            finite = tensors.allSatisfy(\.isFinite)
            largest = HostileInputs<S>.largestMagnitude(tensors)
            smallest = HostileInputs<S>.smallestMagnitude(tensors)
            moderate = finite && largest <= 1e3
            mustAccept = valid
            mustReject = checked && !valid
        }
    }

    /// The name an object is counted under: its registry name and scalar type.
    static func name(_ entry: String) -> String { "\(entry)<\(S.self)>" }

    /// Runs case `iteration` of `kind` on the object numbered `index` (taken modulo the count).
    func run(_ kind: FuzzKind, index: Int, iteration: Int, caseSeed: UInt64, tally: inout FuzzTally) {
        var gen = HostileInputs<S>(seed: caseSeed)
        switch kind {
        case .metricLoss: metricLossCase(metricLosses[index % metricLosses.count], iteration, &gen, &tally)
        case .classifierLoss: classifierLossCase(classifierLosses[index % classifierLosses.count], iteration, &gen, &tally)
        case .miner: minerCase(miners[index % miners.count], iteration, &gen, &tally)
        case .distance: distanceCase(distances[index % distances.count], iteration, &gen, &tally)
        case .reducer: reducerCase(reducers[index % reducers.count], iteration, &gen, &tally)
        case .fused:
            let pair = index % (metricLosses.count * miners.count)
            fusedCase(metricLosses[pair % metricLosses.count], miners[pair / metricLosses.count], iteration, &gen, &tally)
        case .memory: memoryCase(metricLosses[index % metricLosses.count], iteration, &gen, &tally)
        }
    }

    /// Makes one call: prints it under `--verbose`, runs `body`, judges what it did against
    /// `expect` and counts that. `body` returns the problems it found in a result (NaN or ∞,
    /// bad tuples, a mismatch), empty when the result is sound.
    ///
    /// `probe`, when given, makes the same call with every floating-point input multiplied by
    /// a factor and returns the value (throwing what the call throws). When the call gives one
    /// finite value at three moderate scales, an `.overflow` from large inputs is a suspect,
    /// and so is a different value from huge inputs (`.scaleVariant`).
    @discardableResult
    func call(_ context: FuzzContext, _ expect: Expectation, dumps: @autoclosure () -> [String] = [], tally: inout FuzzTally,
              probe: ((S) throws -> S)? = nil, _ body: () throws -> [FuzzOutcome]) -> FuzzOutcome {
        if verbose {
            print("[\(context.header)] \(context.description)")
            if dumpsInputs { for line in dumps() { print("    \(line)") } }
            fflush(nil)
        }
        let outcome: FuzzOutcome
        do {
            let problems = try body().filter { problem in
                if case .nonFinite = problem { return expect.finite }
                return true
            }
            if expect.mustReject {
                outcome = .acceptedBad("returned a result" + (problems.isEmpty ? "" : " (\(problems.map(\.detail).joined(separator: "; ")))"))
            } else if let problem = problems.first {
                outcome = problem
            } else if expect.huge, let probe, let invariant = Self.scaleInvariance(probe, expect),
                      let original = try? probe(1), original.isFinite,
                      abs(original - invariant.value) > S(1e-3) * max(1, abs(invariant.value)) {
                outcome = .scaleVariant("the value is \(original), but \(invariant.why)")
            } else {
                outcome = .passed
            }
        } catch let error as MetricLearningError {
            if error.kind == .overflow {
                if expect.moderate {
                    outcome = .spuriousOverflow(error)
                } else if error.message.hasPrefix("the value is"), let probe, let invariant = Self.scaleInvariance(probe, expect) {
                    // (A gradient may rightly overflow where the value does not grow: ∂L/∂x = Σ wⱼ.)
                    outcome = .suspectOverflow(error, invariant.why)
                } else {
                    outcome = .overflow(error)
                }
            } else {
                // Tuples with every index in range may still contradict themselves: a pair both
                // positive and negative (a triplet (a, p, p)), which losses that build pair masks
                // refuse as PML asserts. That refusal is right.
                let contradictory = error.kind == .invalidTuples && error.message.contains("both positive and negative")
                outcome = expect.mustAccept && !contradictory ? .refusedValid(error) : .rejected(error)
            }
        } catch {
            outcome = .otherError(error)
        }
        tally.record(outcome, context)
        if verbose, case .passed = outcome {} else if verbose {
            print("    -> \(outcome.category): \(outcome.detail)")
            fflush(nil)
        }
        return outcome
    }

    /// The value of a call that does not depend on the scale of `expect`'s inputs, and why, or
    /// nil: `probe` gives one finite value (to a few ulps) at the scales that bring the largest
    /// input near 1, 2^10 and 2^20, so the result does not grow with the inputs and the type
    /// can hold it; at the inputs' own scale it should be the same. Only for inputs
    /// whose scaled entries all stay normal (powers of two, so the scaling is exact and a
    /// scale-invariant computation gives the same bits) and whose non-zero magnitudes lie
    /// within 2^30 of each other (else products of small and large entries scale to
    /// nearly 0 and a growing result looks flat).
    static func scaleInvariance(_ probe: (S) throws -> S, _ expect: Expectation) -> (value: S, why: String)? {
        let (largest, smallest) = (expect.largest, expect.smallest)
        guard largest > 0 && largest.isFinite else { return nil }
        let k = Int(largest.exponent)
        guard smallest * Double(sign: .plus, exponent: -k, significand: 1) >= Double(S.leastNormalMagnitude),
              largest / smallest <= 0x1p30 else { return nil }
        func factor(_ e: Int) -> S { S(sign: .plus, exponent: S.Exponent(e / 2), significand: 1) * S(sign: .plus, exponent: S.Exponent(e - e / 2), significand: 1) }
        var values: [S] = []
        for shift in [0, 10, 20] {
            guard let value = try? probe(factor(shift - k)), value.isFinite else { return nil }
            values.append(value)
        }
        let tolerance = 4 * S.ulpOfOne * max(1, abs(values[0]))
        guard values.allSatisfy({ abs($0 - values[0]) <= tolerance }) else { return nil }
        return (values[0], "the inputs scaled by 2^\(-k), 2^\(10 - k) and 2^\(20 - k) all give \(values[0])")
    }
}
