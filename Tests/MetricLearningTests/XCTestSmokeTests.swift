import XCTest
import MetricLearning

/// A check in XCTest as well, for tools that read XCTest's summary: a loss and its gradient
/// against finite differences, as a user's XCTest suite would write it.
final class XCTestSmokeTests: XCTestCase {
    func testTripletLossGradientAgreesWithFiniteDifferences() throws {
        let x = try Tensor<Double>.randomNormal(shape: [10, 4], seed: 3)
        let labels = (0..<10).map { $0 % 3 }
        let report = try checkGradients(at: [x]) { try TripletMarginLoss<Double>(margin: 0.4)($0[0], labels: labels) }
        XCTAssertTrue(report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5), "\(report)")
        XCTAssertGreaterThan(report.value, 0)
    }
}
