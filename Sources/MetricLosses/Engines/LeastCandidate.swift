import TensorCore

/// The least of some values, the lowest index attaining it, and the second least (a repeat
/// of the least counts as the second): enough to tell, once every part of a row has been
/// seen, whether the least is the only value below a bound just above it.
struct LeastCandidate<Scalar: TensorScalar>: Sendable {
    /// The least value, +∞ when none was seen.
    var least: Scalar
    /// The lowest index attaining `least` (meaningless while it is +∞).
    var index: Int32
    /// The second least value, +∞ when at most one was seen.
    var second: Scalar

    /// Nothing seen.
    static var none: LeastCandidate { LeastCandidate(least: .infinity, index: 0, second: .infinity) }

    init(least: Scalar, index: Int32, second: Scalar) {
        (self.least, self.index, self.second) = (least, index, second)
    }

    /// The candidate a `LeastOfOtherGroup` kernel found.
    init(_ found: (least: Scalar, index: Int32, second: Scalar)) {
        self.init(least: found.least, index: found.index, second: found.second)
    }

    /// The candidate of both sets of values; the same whatever the order of merging.
    func merged(with other: LeastCandidate) -> LeastCandidate {
        if least < other.least { return LeastCandidate(least: least, index: index, second: Swift.min(second, other.least)) }
        if other.least < least { return LeastCandidate(least: other.least, index: other.index, second: Swift.min(other.second, least)) }
        return LeastCandidate(least: least, index: Swift.min(index, other.index), second: least)
    }
}
