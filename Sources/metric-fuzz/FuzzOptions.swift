/// The command line of `metric-fuzz`:
/// `metric-fuzz [--seed S] [--iterations N] [--seconds T] [--only I] [--strict] [--verbose]`.
///
/// A run is a function of the seed: iteration `i` draws its case from a generator seeded
/// by the seed and `i` alone, so `--only i` replays one case (printing its inputs in full)
/// whatever ran before it, and `--seconds` only decides how many iterations run.
struct FuzzOptions {
    /// The run's seed.
    var seed: UInt64 = 1
    /// The number of iterations (cases); the default when neither a count nor a time is given.
    var iterations: Int?
    /// A time budget in seconds, checked between iterations.
    var seconds: Double?
    /// Replays only this iteration, with its inputs printed in full.
    var only: Int?
    /// Prints the seed, the iteration and the case before each call (a crash then names its case).
    var verbose = false
    /// Counts suspects (overflows and changed values of scale-invariant results) as defects,
    /// and prints their reports (as `--verbose` does).
    var strict = false

    /// The default number of iterations when neither `--iterations` nor `--seconds` is given.
    static let defaultIterations = 2000

    static let usage = "usage: metric-fuzz [--seed S] [--iterations N] [--seconds T] [--only I] [--strict] [--verbose]"

    /// Parses the arguments after the program name.
    /// - Throws: `FuzzOptions.Problem` naming an unknown option or a bad value.
    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ option: String) throws -> String {
            guard let v = rest.popFirst() else { throw Problem("\(option) needs a value") }
            return v
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--seed":
                guard let s = UInt64(try value(argument)) else { throw Problem("--seed must be a non-negative integer") }
                seed = s
            case "--iterations":
                guard let n = Int(try value(argument)), n >= 0 else { throw Problem("--iterations must be a non-negative integer") }
                iterations = n
            case "--seconds":
                guard let t = Double(try value(argument)), t >= 0, t.isFinite else { throw Problem("--seconds must be a non-negative number") }
                seconds = t
            case "--only":
                guard let i = Int(try value(argument)), i >= 0 else { throw Problem("--only must be a non-negative integer") }
                only = i
            case "--verbose", "-v":
                verbose = true
            case "--strict":
                strict = true
            case "--help", "-h":
                throw Problem(nil)
            default:
                throw Problem("unknown argument \(argument)")
            }
        }
    }

    /// The iterations to run, in order (unbounded when only a time budget is given).
    var range: Range<Int> {
        if let only { return only..<(only + 1) }
        if let iterations { return 0..<iterations }
        return seconds == nil ? 0..<Self.defaultIterations : 0..<Int.max
    }

    /// A bad command line (or a request for help, with no message).
    struct Problem: Error {
        let message: String?
        init(_ message: String?) { self.message = message }
    }
}
