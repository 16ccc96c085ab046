import MetricLearning

extension GradientCheckReport {
    /// The failing element with the largest |analytic − numeric|, or `nil` when every
    /// element passes `isWithin(absoluteTolerance:relativeTolerance:)`.
    ///
    /// ```swift
    /// let report = try checkGradients(at: [x]) { try myLoss($0[0]) }
    /// if let worst = report.worstFailure(absoluteTolerance: 1e-6, relativeTolerance: 1e-5) {
    ///     Issue.record("input \(worst.input) \(worst.index): \(worst.analytic) vs \(worst.numeric)")
    /// }
    /// ```
    public func worstFailure(absoluteTolerance: Double, relativeTolerance: Double) -> Element? {
        failures(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance).max {
            // NaN sorts as the worst.
            ($0.absoluteError.isNaN ? .infinity : $0.absoluteError) < ($1.absoluteError.isNaN ? .infinity : $1.absoluteError)
        }
    }

    /// A sentence naming the failures and the worst of them (input, index, both derivatives),
    /// or `nil` when the check passes.
    ///
    /// ```swift
    /// report.failureSummary(absoluteTolerance: 1e-6, relativeTolerance: 1e-5)
    /// // "gradient check failed for 4 of 48 elements (|a − n| ≤ 1e-06 or ≤ 1e-05·max(|a|, |n|)); worst at input 0 index [2, 1]: analytic 0.5, numeric 0.25, …"
    /// ```
    public func failureSummary(absoluteTolerance: Double, relativeTolerance: Double) -> String? {
        let failing = failures(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
        guard let worst = worstFailure(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance) else { return nil }
        return "gradient check failed for \(failing.count) of \(elements.count) elements "
            + "(|a − n| ≤ \(absoluteTolerance) or ≤ \(relativeTolerance)·max(|a|, |n|)); "
            + "worst at input \(worst.input) index \(worst.index): analytic \(worst.analytic), numeric \(worst.numeric), "
            + "|a − n| = \(worst.absoluteError), relative \(worst.relativeError); loss value \(value)"
    }
}
