import MetricLearning

/// A loss value, named gradients and (optionally) mined tuples compared with a reference case.
///
/// Made by `ReferenceCase.compare(loss:gradients:mined:absoluteTolerance:relativeTolerance:)`;
/// a pure value that the `expectMatches` and `XCTAssertMatches` front-ends turn into
/// recorded failures, one per quantity that does not match.
///
/// ```swift
/// let comparison = c.compare(loss: value, gradients: ["embeddings": gradient])
/// comparison.isMatch            // value and gradient within the tolerances
/// comparison.mismatches         // one line per quantity that is not, naming the worst element
/// ```
public struct ReferenceComparison: Sendable, Equatable, CustomStringConvertible {
    /// One compared quantity: `"loss"`, or a gradient's name.
    public struct Quantity: Sendable, Equatable, CustomStringConvertible {
        /// `"loss"`, `"embeddings"`, `"weights"`, `"references"` or a parameter's name.
        public var name: String
        /// The elementwise comparison.
        public var report: ClosenessReport

        /// A quantity from its name and report.
        public init(name: String, report: ClosenessReport) {
            (self.name, self.report) = (name, report)
        }

        /// `loss: …` or `gradient of <name>: …`, then the closeness report.
        public var description: String {
            name == "loss" ? "loss: \(report)" : "gradient of \(name): \(report)"
        }
    }

    /// The case's name.
    public var caseName: String
    /// The loss, then the given gradients in name order.
    public var quantities: [Quantity]
    /// Gradient names given that the case has no expected gradient for (a failure: likely a typo).
    public var unknownGradients: [String]
    /// Expected gradients that were not given (not a failure: a test may check a subset).
    public var uncheckedGradients: [String]
    /// The comparison of the mined tuples, when they were given.
    public var mined: MinedTuplesComparison?

    /// A comparison from its parts.
    public init(caseName: String, quantities: [Quantity], unknownGradients: [String] = [],
                uncheckedGradients: [String] = [], mined: MinedTuplesComparison? = nil) {
        (self.caseName, self.quantities, self.unknownGradients) = (caseName, quantities, unknownGradients)
        (self.uncheckedGradients, self.mined) = (uncheckedGradients, mined)
    }

    /// One sentence per failure: a quantity that is not close, an unknown gradient name,
    /// mined tuples that differ. Empty when everything matches.
    public var mismatches: [String] {
        var out = quantities.filter { !$0.report.isClose }.map { "\(caseName): \($0)" }
        for name in unknownGradients {
            out.append("\(caseName): no expected gradient named \"\(name)\" (the case has \(expectedNames))")
        }
        if let mined, !mined.isMatch { out.append("\(caseName): \(mined)") }
        return out
    }

    /// True when there are no mismatches.
    public var isMatch: Bool { mismatches.isEmpty }

    /// The mismatches, one per line, or a line saying what matched.
    public var description: String {
        let lines = mismatches
        if lines.isEmpty {
            return "\(caseName): matches (\(quantities.map(\.name).joined(separator: ", "))\(mined == nil ? "" : ", mined"))"
        }
        return lines.joined(separator: "\n")
    }

    private var expectedNames: String {
        let names = quantities.map(\.name).filter { $0 != "loss" } + uncheckedGradients
        return names.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
