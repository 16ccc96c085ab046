import Testing
import MetricLearning
import MetricLearningTesting

/// `closeness(of:to:)` names the worst element by multi-index with both values; `expectClose`
/// records one issue for it.
@Suite("MetricLearningTesting: closeness")
struct ClosenessTests {
    static let expected = try! Tensor<Double>(shape: [2, 3, 2], scalars: (0..<12).map { Double($0) + 0.5 })

    static func perturbed(_ changes: [Int: Double]) -> Tensor<Double> {
        var scalars = expected.scalars
        for (flat, delta) in changes { scalars[flat] += delta }
        return try! Tensor(shape: expected.shape, scalars: scalars)
    }

    @Test func equalTensorsAreClose() {
        let report = closeness(of: Self.expected, to: Self.expected)
        #expect(report.isClose)
        #expect(report.count == 12 && report.failureCount == 0)
        #expect(report.worst != nil)                       // the element nearest its limit
        #expect((report.worstExcess ?? 1) < 0)
    }

    @Test func theWorstElementIsNamedByMultiIndexWithBothValues() throws {
        // Flat 9 = [1, 1, 1] misses by 1e-3; flat 4 = [0, 2, 0] by a little less; flat 0 passes.
        let actual = Self.perturbed([9: 1e-3, 4: -5e-4, 0: 1e-9])
        let report = closeness(of: actual, to: Self.expected)
        #expect(!report.isClose)
        #expect(report.failureCount == 2)
        let worst = try #require(report.worst)
        #expect(worst.index == [1, 1, 1])
        #expect(worst.actual == 9.5 + 1e-3)
        #expect(worst.expected == 9.5)
        #expect(Swift.abs(worst.difference - 1e-3) < 1e-12)
        let tolerance = 1e-8 + 1e-6 * 9.5
        #expect(Swift.abs(report.excess(of: worst) - (1e-3 - tolerance)) < 1e-12)
        #expect(report.description.contains("2 of 12 elements"))
        #expect(report.description.contains("[1, 1, 1]"))
    }

    @Test func theRelativeTermScalesWithTheExpectedValue() {
        let big = try! Tensor<Double>(shape: [2], scalars: [1e6, 1])
        // 0.5 off at 1e6 is within 1e-8 + 1e-6·1e6 = 1.00000001; 2e-6 off at 1 is not.
        let report = closeness(of: try! Tensor(shape: [2], scalars: [1e6 + 0.5, 1 + 2e-6]), to: big)
        #expect(report.failureCount == 1)
        #expect(report.worst?.index == [1])
        // Custom tolerances.
        #expect(closeness(of: try! Tensor(shape: [2], scalars: [1e6 + 0.5, 1 + 2e-6]), to: big,
                          absoluteTolerance: 1e-5, relativeTolerance: 0).isClose == false)
        #expect(closeness(of: try! Tensor(shape: [2], scalars: [1e6, 1 + 2e-6]), to: big,
                          absoluteTolerance: 1e-5, relativeTolerance: 0).isClose)
    }

    @Test func nanIsNeverCloseAndIsTheWorst() {
        let actual = Self.perturbed([3: 0.1, 7: .nan])
        let report = closeness(of: actual, to: Self.expected)
        #expect(report.failureCount == 2)
        #expect(report.worst?.index == [1, 0, 1])
        #expect(report.worst?.actual.isNaN == true)
        let infinite = try! Tensor<Double>(shape: [1], scalars: [.infinity])
        #expect(closeness(of: infinite, to: infinite).isClose)
        #expect(!closeness(of: infinite, to: try! Tensor<Double>(shape: [1], scalars: [1])).isClose)
    }

    @Test func shapesMustAgree() {
        let report = closeness(of: try! Self.expected.reshaped(to: [6, 2]), to: Self.expected)
        #expect(!report.isClose && !report.shapesMatch)
        #expect(report.worst == nil)
        #expect(report.description == "shape [6, 2] where [2, 3, 2] was expected")
    }

    @Test func scalarsAndMixedPrecision() {
        #expect(closeness(of: 0.1 + 0.2, to: 0.3).isClose)
        let report = closeness(of: 1.001, to: 1.0)
        #expect(!report.isClose && report.worst?.index == [] && report.worst?.actual == 1.001)
        #expect(report.description.hasPrefix("the value differs"))
        let asFloat = try! Tensor<Float>(shape: [2, 3, 2], scalars: Self.expected.scalars.map(Float.init))
        #expect(closeness(of: asFloat, to: Self.expected, absoluteTolerance: 1e-6).isClose)
        #expect(closeness(of: Float(0.3), to: 0.3, absoluteTolerance: 1e-7).isClose)
    }

    @Test func expectCloseRecordsOneIssueNamingTheWorstElement() {
        let actual = Self.perturbed([9: 1e-3, 4: -5e-4])
        withKnownIssue {
            let report = expectClose(actual, Self.expected, "gradient")
            #expect(report.worst?.index == [1, 1, 1])
        } matching: { issue in
            let text = issue.comments.map(\.rawValue).joined()
            return text.hasPrefix("gradient: 2 of 12 elements") && text.contains("[1, 1, 1]")
                && text.contains("actual 9.501") && text.contains("expected 9.5")
        }
        withKnownIssue {
            expectClose(1.5, 1.0)
        }
        // Close values record nothing.
        expectClose(Self.perturbed([0: 1e-9]), Self.expected)
        expectClose(0.1 + 0.2, 0.3)
    }
}
