import MetricLearning

/// What the Swift Testing and XCTest front-ends check, once: they differ only in how they
/// record a failure, which each passes in as `fail` (a message for every failure).
enum ExpectationChecks {
    /// The closeness of two tensors (`closeness(of:to:absoluteTolerance:relativeTolerance:)`),
    /// after failing with its description when they are not close.
    static func close<Actual: TensorScalar, Expected: TensorScalar>(
        _ actual: Tensor<Actual>, _ expected: Tensor<Expected>, _ absoluteTolerance: Double, _ relativeTolerance: Double,
        fail: (String) -> Void
    ) -> ClosenessReport {
        close(closeness(of: actual, to: expected, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance), fail: fail)
    }

    /// The closeness of two scalars, after failing with its description when they are not close.
    static func close<Actual: BinaryFloatingPoint, Expected: BinaryFloatingPoint>(
        _ actual: Actual, _ expected: Expected, _ absoluteTolerance: Double, _ relativeTolerance: Double, fail: (String) -> Void
    ) -> ClosenessReport {
        close(closeness(of: actual, to: expected, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance), fail: fail)
    }

    /// `report`, after failing with its description when it is not close.
    static func close(_ report: ClosenessReport, fail: (String) -> Void) -> ClosenessReport {
        if !report.isClose { fail("\(report)") }
        return report
    }

    /// The finite-difference check of `function` at `inputs`, after failing with the worst
    /// element's summary when it misses the tolerances; nil after `threw` when `function` threw.
    static func gradients(
        at inputs: [Tensor<Double>], absoluteTolerance: Double, relativeTolerance: Double,
        of function: ([Variable<Double>]) throws -> Variable<Double>, threw: (any Error) -> Void, fail: (String) -> Void
    ) -> GradientCheckReport? {
        let report: GradientCheckReport
        do {
            report = try checkGradients(at: inputs, in: function)
        } catch {
            threw(error)
            return nil
        }
        if let summary = report.failureSummary(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance) {
            fail(summary)
        }
        return report
    }

    /// The comparison with `referenceCase`, after failing once per mismatched quantity.
    static func matches<Scalar: TensorScalar>(
        _ referenceCase: ReferenceCase, loss: Scalar?, gradients: [String: Tensor<Scalar>], mined: MinedTuples?,
        absoluteTolerance: Double, relativeTolerance: Double, fail: (String) -> Void
    ) -> ReferenceComparison {
        let comparison = referenceCase.compare(loss: loss, gradients: gradients, mined: mined,
                                               absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
        comparison.mismatches.forEach(fail)
        return comparison
    }
}
