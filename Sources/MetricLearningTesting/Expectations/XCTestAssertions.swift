// Front-ends for XCTest: each calls `XCTFail` at the caller's file and line and returns the
// pure report. Compiled where the toolchain provides XCTest (Linux and Windows toolchains,
// Xcode on macOS).
#if canImport(XCTest)
import XCTest
import MetricLearning

/// Asserts that `actual` equals `expected` elementwise within `|a − b| ≤ atol + rtol·|b|`;
/// otherwise fails once, naming the worst element's index, both values and the excess.
///
/// ```swift
/// func testGradientMatchesPML() throws {
///     let (_, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels!)
///     XCTAssertClose(gradient, c.embeddingsGradient)
/// }
/// ```
/// - Returns: the comparison.
@discardableResult
public func XCTAssertClose<Actual: TensorScalar, Expected: TensorScalar>(
    _ actual: Tensor<Actual>, _ expected: Tensor<Expected>,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) -> ClosenessReport {
    ExpectationChecks.close(actual, expected, absoluteTolerance, relativeTolerance) { XCTFail(prefixed(message(), $0), file: file, line: line) }
}

/// Asserts that a scalar `actual` is within `|a − b| ≤ atol + rtol·|b|` of `expected`.
///
/// ```swift
/// XCTAssertClose(value, referenceCase.loss)
/// ```
/// - Returns: the comparison.
@discardableResult
public func XCTAssertClose<Actual: BinaryFloatingPoint, Expected: BinaryFloatingPoint>(
    _ actual: Actual, _ expected: Expected,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) -> ClosenessReport {
    ExpectationChecks.close(actual, expected, absoluteTolerance, relativeTolerance) { XCTFail(prefixed(message(), $0), file: file, line: line) }
}

/// Asserts that the gradient of `loss` with respect to the embeddings agrees with central
/// finite differences; otherwise fails naming the worst element. An error the loss throws
/// fails the assertion too.
///
/// ```swift
/// func testMyLossGradient() throws {
///     let x = try Tensor<Double>.randomNormal(shape: [8, 4], seed: 1)
///     XCTAssertGradientsMatchFiniteDifferences(of: MyLoss(), embeddings: x, labels: [0, 0, 1, 1, 2, 2, 3, 3])
/// }
/// ```
/// - Returns: the check's report, or `nil` when the loss threw.
@discardableResult
public func XCTAssertGradientsMatchFiniteDifferences(
    of loss: some MetricLoss<Double>, embeddings: Tensor<Double>, labels: [Int], tuples: MinedTuples? = nil,
    absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) -> GradientCheckReport? {
    XCTAssertGradientsMatchFiniteDifferences(at: [embeddings], absoluteTolerance: absoluteTolerance,
                                             relativeTolerance: relativeTolerance, message(), file: file, line: line) {
        try loss($0[0], labels: labels, tuples: tuples)
    }
}

/// Asserts that the gradients of a classifier loss with respect to the embeddings (input 0)
/// and the class weights (input 1) agree with central finite differences.
///
/// ```swift
/// XCTAssertGradientsMatchFiniteDifferences(of: MyClassifierLoss(), embeddings: x, weights: w, labels: labels)
/// ```
/// - Returns: the check's report, or `nil` when the loss threw.
@discardableResult
public func XCTAssertGradientsMatchFiniteDifferences(
    of loss: some ClassifierLoss<Double>, embeddings: Tensor<Double>, weights: Tensor<Double>, labels: [Int],
    absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) -> GradientCheckReport? {
    XCTAssertGradientsMatchFiniteDifferences(at: [embeddings, weights], absoluteTolerance: absoluteTolerance,
                                             relativeTolerance: relativeTolerance, message(), file: file, line: line) {
        try loss($0[0], weights: $0[1], labels: labels)
    }
}

/// Asserts that the reverse-mode gradients of `function` at `inputs` agree with central
/// finite differences (`checkGradients(at:in:)`); otherwise fails naming the worst element.
///
/// ```swift
/// XCTAssertGradientsMatchFiniteDifferences(at: [x]) { v in try myLoss(v[0]) }
/// ```
/// - Returns: the check's report, or `nil` when `function` threw (a failure).
@discardableResult
public func XCTAssertGradientsMatchFiniteDifferences(
    at inputs: [Tensor<Double>], absoluteTolerance: Double = 1e-6, relativeTolerance: Double = 1e-5,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line,
    of function: ([Variable<Double>]) throws -> Variable<Double>
) -> GradientCheckReport? {
    ExpectationChecks.gradients(at: inputs, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance, of: function,
                                threw: { XCTFail(prefixed(message(), "the checked function threw \($0)"), file: file, line: line) },
                                fail: { XCTFail(prefixed(message(), $0), file: file, line: line) })
}

/// Asserts that a computed loss value, named gradients and mined tuples match a reference
/// case; fails once per quantity that does not.
///
/// ```swift
/// func testTripletDefault() throws {
///     let c = try file.referenceCase(named: "triplet_default")
///     let (value, gradient) = try TripletMarginLoss<Double>().valueWithGradient(embeddings: c.embeddings, labels: c.labels!)
///     XCTAssertMatches(c, loss: value, gradients: ["embeddings": gradient])
/// }
/// ```
/// - Returns: the comparison.
@discardableResult
public func XCTAssertMatches<Scalar: TensorScalar>(
    _ referenceCase: ReferenceCase, loss: Scalar?, gradients: [String: Tensor<Scalar>] = [:], mined: MinedTuples? = nil,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) -> ReferenceComparison {
    let prefix = message()
    return ExpectationChecks.matches(referenceCase, loss: loss, gradients: gradients, mined: mined,
                                     absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance) {
        XCTFail(prefixed(prefix, $0), file: file, line: line)
    }
}

/// The failure message, after the caller's message when there is one.
private func prefixed(_ message: String, _ detail: String) -> String {
    message.isEmpty ? detail : "\(message): \(detail)"
}
#endif
