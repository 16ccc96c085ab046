import MetricLearning

/// Compares `actual` with `expected` elementwise under `|a − b| ≤ atol + rtol·|b|` and
/// reports the element that misses by the most (as a multi-index), both its values and
/// by how much it misses.
///
/// A pure function: it records nothing. The defaults are the reference fixtures' tolerances
/// for `Double`. Shapes must agree exactly; when they do not, the report says so and no
/// element is compared.
///
/// ```swift
/// let expected = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4])
/// let actual = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3.001, 4])
/// let report = closeness(of: actual, to: expected)
/// report.isClose         // false
/// report.worst?.index    // [1, 0]
/// ```
/// - Complexity: O(n) in the number of elements.
public func closeness<Actual: TensorScalar, Expected: TensorScalar>(
    of actual: Tensor<Actual>, to expected: Tensor<Expected>,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6
) -> ClosenessReport {
    var report = ClosenessReport(actualShape: actual.shape, expectedShape: expected.shape,
                                 absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                                 count: 0, failureCount: 0, worst: nil)
    guard actual.shape == expected.shape else { return report }
    let a = actual.scalars, b = expected.scalars
    var worstFlat = -1
    var worstExcess = -Double.infinity
    for flat in a.indices {
        let element = ClosenessReport.Element(index: [], actual: Double(a[flat]), expected: Double(b[flat]))
        let excess = report.excess(of: element)
        if excess > 0 { report.failureCount += 1 }
        if worstFlat < 0 || excess > worstExcess {
            worstFlat = flat
            worstExcess = excess
        }
    }
    report.count = a.count
    if worstFlat >= 0 {
        report.worst = .init(index: multiIndex(of: worstFlat, in: expected.shape),
                             actual: Double(a[worstFlat]), expected: Double(b[worstFlat]))
    }
    return report
}

/// Compares two scalars under `|a − b| ≤ atol + rtol·|b|`.
///
/// ```swift
/// closeness(of: 0.1 + 0.2, to: 0.3).isClose   // true
/// ```
public func closeness<Actual: BinaryFloatingPoint, Expected: BinaryFloatingPoint>(
    of actual: Actual, to expected: Expected,
    absoluteTolerance: Double = 1e-8, relativeTolerance: Double = 1e-6
) -> ClosenessReport {
    var report = ClosenessReport(actualShape: [], expectedShape: [],
                                 absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                                 count: 1, failureCount: 0,
                                 worst: .init(index: [], actual: Double(actual), expected: Double(expected)))
    if !report.isClose(report.worst!) { report.failureCount = 1 }
    return report
}

/// The row-major multi-index of a flat position in `shape`.
func multiIndex(of flat: Int, in shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}
