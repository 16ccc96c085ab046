/// The comparison of an analytic gradient with central finite differences.
///
/// Produced by `checkGradients(at:in:)`. Values are held as `Double` whatever the
/// scalar type of the check.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    /// One compared element: which input, where in it, and the two derivatives.
    public struct Element: Sendable, Equatable {
        /// The position of the input in the list given to the check.
        public let input: Int
        /// The element's multi-dimensional index inside that input.
        public let index: [Int]
        /// The derivative from reverse-mode differentiation.
        public let analytic: Double
        /// The derivative from central finite differences.
        public let numeric: Double
        /// |analytic − numeric|.
        public var absoluteError: Double { Swift.abs(analytic - numeric) }
        /// |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0.
        public var relativeError: Double {
            let scale = Swift.max(Swift.abs(analytic), Swift.abs(numeric))
            return scale == 0 ? 0 : absoluteError / scale
        }
    }

    /// Every compared element, input by input in row-major order.
    public let elements: [Element]
    /// The value of the function at the given inputs.
    public let value: Double

    /// The largest |analytic − numeric| over all elements (0 when there are none).
    public var maxAbsoluteError: Double { elements.map(\.absoluteError).max() ?? 0 }
    /// The largest relative error over all elements.
    public var maxRelativeError: Double { elements.map(\.relativeError).max() ?? 0 }
    /// The element with the largest absolute error.
    public var worstElement: Element? { elements.max { $0.absoluteError < $1.absoluteError } }

    /// True when every element passes: |a − b| ≤ atol, or |a − b| ≤ rtol · max(|a|, |b|).
    public func isWithin(absoluteTolerance: Double, relativeTolerance: Double) -> Bool {
        failures(absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance).isEmpty
    }

    /// The elements that fail the tolerances of `isWithin`.
    public func failures(absoluteTolerance: Double, relativeTolerance: Double) -> [Element] {
        elements.filter { e in
            !(e.absoluteError <= absoluteTolerance
              || e.absoluteError <= relativeTolerance * Swift.max(Swift.abs(e.analytic), Swift.abs(e.numeric)))
        }
    }

    public var description: String {
        guard let worst = worstElement else { return "gradient check of 0 elements" }
        return "gradient check of \(elements.count) elements at value \(value): max abs error \(maxAbsoluteError) "
            + "at input \(worst.input) index \(worst.index) (analytic \(worst.analytic), numeric \(worst.numeric)); "
            + "max relative error \(maxRelativeError)"
    }
}
