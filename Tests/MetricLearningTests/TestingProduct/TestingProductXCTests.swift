import XCTest
import MetricLearning
import MetricLearningTesting

/// The XCTest front-ends, as a user's XCTest suite would call them.
///
/// swift-corelibs-xctest on Linux has no `XCTExpectFailure`, so the failing paths are
/// checked through the reports the assertions return (and in the Swift Testing suites).
final class TestingProductXCTests: XCTestCase {
    func testAssertCloseOnTensorsAndScalars() throws {
        let expected = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let actual = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3 + 2.5e-6, 4])
        let report = XCTAssertClose(actual, expected)
        XCTAssertTrue(report.isClose)
        XCTAssertEqual(report.worst?.index, [1, 0])
        XCTAssertClose(0.1 + 0.2, 0.3)
        XCTAssertClose(Float(2) / 3, 2.0 / 3, absoluteTolerance: 1e-7)
    }

    func testGradientAssertions() throws {
        let x = try Tensor<Double>.randomNormal(shape: [6, 3], seed: 5)
        let labels = [0, 0, 1, 1, 2, 2]
        let report = XCTAssertGradientsMatchFiniteDifferences(of: AngularLoss<Double>(alphaDegrees: 40), embeddings: x, labels: labels)
        XCTAssertEqual(report?.elements.count, 18)
        XCTAssertGradientsMatchFiniteDifferences(at: [x]) { v in (v[0] * v[0]).sum() }
        let w = try Tensor<Double>.randomNormal(shape: [3, 3], seed: 6)
        XCTAssertGradientsMatchFiniteDifferences(of: MultiClassHingeLoss<Double>(margin: 1), embeddings: x, weights: w, labels: labels)
    }

    func testAssertMatchesAReferenceCase() throws {
        let c = try ProductFixtures.lossesAndMiners.referenceCase(named: "contrastive_default")
        let (value, gradient) = try ContrastiveLoss<Double>().valueWithGradient(embeddings: c.embeddings, labels: c.labels!)
        let comparison = XCTAssertMatches(c, loss: value, gradients: ["embeddings": gradient])
        XCTAssertTrue(comparison.isMatch, "\(comparison)")
    }
}
