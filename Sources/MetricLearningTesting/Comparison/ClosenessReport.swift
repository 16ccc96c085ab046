/// The elementwise comparison of an actual tensor (or scalar) with an expected one under
/// `|a − b| ≤ atol + rtol·|b|`, with the element that misses by the most.
///
/// Made by `closeness(of:to:absoluteTolerance:relativeTolerance:)`. NaN is never close;
/// equal infinities are close.
///
/// ```swift
/// let report = closeness(of: gradient, to: referenceCase.embeddingsGradient)
/// #expect(report.isClose, "\(report)")
/// // 3 of 96 elements differ beyond |a − b| ≤ 1e-08 + 1e-06·|b|; worst at [4, 2]: actual 0.1234, expected 0.125, …
/// ```
public struct ClosenessReport: Sendable, Equatable, CustomStringConvertible {
    /// One compared element.
    public struct Element: Sendable, Equatable {
        /// Its multi-dimensional index (row-major); `[]` for a scalar.
        public var index: [Int]
        /// The actual value `a`.
        public var actual: Double
        /// The expected value `b`.
        public var expected: Double

        /// An element from its index and values.
        public init(index: [Int], actual: Double, expected: Double) {
            (self.index, self.actual, self.expected) = (index, actual, expected)
        }

        /// `|a − b|` (NaN when either is NaN; 0 when they are equal, infinities included).
        public var difference: Double { actual == expected ? 0 : Swift.abs(actual - expected) }
    }

    /// The shape of the actual tensor (`[]` for a scalar).
    public var actualShape: [Int]
    /// The shape of the expected tensor.
    public var expectedShape: [Int]
    /// `atol`.
    public var absoluteTolerance: Double
    /// `rtol`.
    public var relativeTolerance: Double
    /// The number of compared elements (0 when the shapes differ).
    public var count: Int
    /// The number of elements that are not close.
    public var failureCount: Int
    /// The element with the largest excess `|a − b| − (atol + rtol·|b|)` (NaN counts as
    /// infinitely far), whether or not it fails; `nil` when nothing was compared.
    public var worst: Element?

    /// A report from its parts.
    public init(actualShape: [Int], expectedShape: [Int], absoluteTolerance: Double, relativeTolerance: Double,
                count: Int, failureCount: Int, worst: Element?) {
        (self.actualShape, self.expectedShape, self.absoluteTolerance) = (actualShape, expectedShape, absoluteTolerance)
        (self.relativeTolerance) = (relativeTolerance)
        (self.count, self.failureCount, self.worst) = (count, failureCount, worst)
    }

    /// True when the shapes agree.
    public var shapesMatch: Bool { actualShape == expectedShape }

    /// True when the shapes agree and every element is close.
    public var isClose: Bool { shapesMatch && failureCount == 0 }

    /// `atol + rtol·|b|` for an expected value `b`.
    public func tolerance(forExpected expected: Double) -> Double {
        absoluteTolerance + relativeTolerance * Swift.abs(expected)
    }

    /// `|a − b| − (atol + rtol·|b|)`: positive when the element fails, by how much; `+∞` for
    /// NaN or an infinity that differs.
    public func excess(of element: Element) -> Double {
        if element.actual == element.expected { return -tolerance(forExpected: element.expected) }
        guard element.actual.isFinite, element.expected.isFinite else { return .infinity }
        return element.difference - tolerance(forExpected: element.expected)
    }

    /// True when the element passes `|a − b| ≤ atol + rtol·|b|`.
    public func isClose(_ element: Element) -> Bool { excess(of: element) <= 0 }

    /// The worst element's excess, or `nil` when nothing was compared.
    public var worstExcess: Double? { worst.map(excess(of:)) }

    /// One line: how many elements fail, and the worst one's index, values and excess.
    public var description: String {
        let rule = "|a − b| ≤ \(absoluteTolerance) + \(relativeTolerance)·|b|"
        guard shapesMatch else {
            return "shape \(actualShape) where \(expectedShape) was expected"
        }
        guard let worst else { return "0 elements compared (shape \(actualShape))" }
        let at = worst.index.isEmpty ? "" : " at \(worst.index)"
        let values = "actual \(worst.actual), expected \(worst.expected), |a − b| = \(worst.difference)"
        let tolerance = tolerance(forExpected: worst.expected)
        if failureCount == 0 {
            return "all \(count) elements within \(rule); closest to the limit\(at): \(values) (tolerance \(tolerance))"
        }
        let scope = count == 1 ? "the value differs" : "\(failureCount) of \(count) elements differ"
        return "\(scope) beyond \(rule); worst\(at): \(values), over the tolerance \(tolerance) by \(excess(of: worst))"
    }
}
