// Front-ends for Swift Testing: each records an `Issue` at the caller's source location
// and returns the pure report for further checks. Compiled where the toolchain provides
// the Testing module (every Swift 6 toolchain on macOS, Linux and Windows).
//
// The `sourceLocation` defaults use Swift Testing's `#_sourceLocation` macro, so the calling
// file must `import Testing` (any file with `@Test` already does).
#if canImport(Testing)
import Testing
import MetricLearning

/// Expects `actual` to equal `expected` elementwise within `|a − b| ≤ atol + rtol·|b|`;
/// otherwise records one issue naming the worst element's index, both values and the excess.
///
/// ```swift
/// @Test func gradientMatchesPML() throws {
///     let (_, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels!)
///     expectClose(gradient, c.embeddingsGradient)
///     // ✘ Issue recorded: 3 of 96 elements differ beyond |a − b| ≤ 1e-08 + 1e-06·|b|; worst at [4, 2]: …
/// }
/// ```
/// - Returns: the comparison (`closeness(of:to:absoluteTolerance:relativeTolerance:)`).
@discardableResult
public func expectClose<Actual: TensorScalar, Expected: TensorScalar>(
    _ actual: Tensor<Actual>, _ expected: Tensor<Expected>,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> ClosenessReport {
    ExpectationChecks.close(actual, expected, absoluteTolerance, relativeTolerance, fail: issueRecorder(comment, sourceLocation))
}

/// Expects a scalar `actual` to be within `|a − b| ≤ atol + rtol·|b|` of `expected`.
///
/// ```swift
/// expectClose(value, referenceCase.loss)
/// expectClose(Float(0.1) + 0.2, 0.3, absoluteTolerance: 1e-6)
/// ```
/// - Returns: the comparison.
@discardableResult
public func expectClose<Actual: BinaryFloatingPoint, Expected: BinaryFloatingPoint>(
    _ actual: Actual, _ expected: Expected,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> ClosenessReport {
    ExpectationChecks.close(actual, expected, absoluteTolerance, relativeTolerance, fail: issueRecorder(comment, sourceLocation))
}

/// Expects the gradient of `loss` with respect to the embeddings to agree with central
/// finite differences; otherwise records an issue naming the worst element (index, analytic
/// and numeric derivatives). An error the loss throws is recorded as an issue too.
///
/// Keep the embeddings away from hinge kinks and pass mined tuples explicitly.
///
/// ```swift
/// @Test func myLossGradient() throws {
///     let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: 1)
///     expectGradientsMatchFiniteDifferences(of: MyLoss(), embeddings: x, labels: [0, 0, 1, 1, 2, 2, 3, 3])
/// }
/// ```
/// - Returns: the check's report, or `nil` when the loss threw.
@discardableResult
public func expectGradientsMatchFiniteDifferences(
    of loss: some MetricLoss<Double>, embeddings: Tensor<Double>, labels: [Int], tuples: MinedTuples? = nil,
    absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> GradientCheckReport? {
    expectGradientsMatchFiniteDifferences(at: [embeddings], absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                                          comment, sourceLocation: sourceLocation) {
        try loss($0[0], labels: labels, tuples: tuples)
    }
}

/// Expects the gradients of a classifier loss with respect to the embeddings (input 0)
/// and the class weights (input 1) to agree with central finite differences.
///
/// ```swift
/// expectGradientsMatchFiniteDifferences(of: MyClassifierLoss(), embeddings: x, weights: w, labels: labels)
/// ```
/// - Returns: the check's report, or `nil` when the loss threw.
@discardableResult
public func expectGradientsMatchFiniteDifferences(
    of loss: some ClassifierLoss<Double>, embeddings: Tensor<Double>, weights: Tensor<Double>, labels: [Int],
    absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> GradientCheckReport? {
    expectGradientsMatchFiniteDifferences(at: [embeddings, weights], absoluteTolerance: absoluteTolerance,
                                          relativeTolerance: relativeTolerance, comment, sourceLocation: sourceLocation) {
        try loss($0[0], weights: $0[1], labels: labels)
    }
}

/// Expects the reverse-mode gradients of `function` at `inputs` to agree with central finite
/// differences (`checkGradients(at:in:)`); otherwise records an issue naming the worst
/// element. An element passes when |analytic − numeric| ≤ atol or ≤ rtol·max(|analytic|, |numeric|).
///
/// ```swift
/// expectGradientsMatchFiniteDifferences(at: [x, w]) { v in
///     try (v[0].matmul(v[1])).squared().sum()
/// }
/// ```
/// - Returns: the check's report, or `nil` when `function` threw (recorded as an issue).
@discardableResult
public func expectGradientsMatchFiniteDifferences(
    at inputs: [Tensor<Double>], absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    of function: ([Variable<Double>]) throws -> Variable<Double>
) -> GradientCheckReport? {
    ExpectationChecks.gradients(at: inputs, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance, of: function,
                                threw: { Issue.record($0, comment, sourceLocation: sourceLocation) }, fail: issueRecorder(comment, sourceLocation))
}

/// Expects a computed loss value, named gradients and mined tuples to match a reference
/// case; records one issue per quantity that does not (naming the case, the quantity and
/// its worst element).
///
/// Gradient names: `"embeddings"`, `"weights"`, `"references"` and parameter names
/// (`ReferenceCase.expectedGradients`). Mined tuples compare as sets.
///
/// ```swift
/// @Test(arguments: ["triplet_default", "triplet_semihard_mined", "triplet_batch_hard"])
/// func tripletCases(_ name: String) throws {
///     let c = try file.referenceCase(named: name)
///     let loss = TripletMarginLoss<Double>(margin: c.configuration!.double("margin")!)
///     let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels!, tuples: c.mined)
///     expectMatches(c, loss: value, gradients: ["embeddings": gradient])
/// }
/// ```
/// - Returns: the comparison (`ReferenceCase.compare(loss:gradients:mined:absoluteTolerance:relativeTolerance:)`).
@discardableResult
public func expectMatches<Scalar: TensorScalar>(
    _ referenceCase: ReferenceCase, loss: Scalar?, gradients: [String: Tensor<Scalar>] = [:], mined: MinedTuples? = nil,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> ReferenceComparison {
    ExpectationChecks.matches(referenceCase, loss: loss, gradients: gradients, mined: mined,
                              absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance, fail: issueRecorder(comment, sourceLocation))
}

/// Records an issue at `sourceLocation` for each message it is given, after the caller's
/// comment when there is one.
private func issueRecorder(_ comment: Comment?, _ sourceLocation: SourceLocation) -> (String) -> Void {
    { message in
        Issue.record(Comment(rawValue: comment.map { "\($0.rawValue): \(message)" } ?? message), sourceLocation: sourceLocation)
    }
}
#endif
