import Testing
import MetricLearning
import MetricLearningTesting

/// Every reference case (PML 2.9, float64) through the library, each its own test case:
/// a malformed or differing case fails alone. See `FixtureRunner` for which cases run.
@Suite("Reference fixtures (PML 2.9, float64)")
struct ReferenceFixtureTests {
    @Test(arguments: FixtureRunner.cases) func caseMatches(_ c: FixtureRunner.Case) {
        switch FixtureRunner.run(c.entry) {
        case .match: break
        case .mismatch(let report): Issue.record("\(c): \(report)")
        case .unsupported(let reason): if c.strict { Issue.record("\(c) cannot run: \(reason)") }
        }
    }

    /// One line for the whole run: `fixtures: K of K cases match` when every case that runs matches.
    @Test func summary() {
        var matched = 0, unsupported: [String] = [], failed: [String] = []
        var strictCount = 0
        for c in FixtureRunner.cases {
            if c.strict { strictCount += 1 }
            switch FixtureRunner.run(c.entry) {
            case .match: matched += 1
            case .mismatch: failed.append(c.description)
            case .unsupported: if c.strict { failed.append(c.description) } else { unsupported.append(c.description) }
            }
        }
        let total = FixtureRunner.cases.count - unsupported.count
        let source = FixtureRunner.namedFile ?? "bundled fixtures"
        let rest = unsupported.isEmpty ? "" : " (\(unsupported.count) catalogue cases not supported yet)"
        if failed.isEmpty {
            print("fixtures: \(matched) of \(total) cases match\(rest) [\(source)]")
        } else {
            print("fixtures: \(matched) of \(total) cases match, \(failed.count) do not [\(source)]: \(failed.joined(separator: ", "))")
        }
        #expect(failed.isEmpty, "\(failed)")
        #expect(strictCount > 0 && matched > 0, "no case ran")
        if FixtureRunner.namedFile == nil { #expect(matched >= 25, "the 25 cases of losses_and_miners.json") }
    }
}
