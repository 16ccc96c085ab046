import TensorCore

/// A triplet of batch indices: an anchor, a positive (same label) and a negative (another label).
public struct IndexTriplet: Hashable, Sendable, CustomStringConvertible {
    /// The anchor's row.
    public var anchor: Int32
    /// The positive's row.
    public var positive: Int32
    /// The negative's row.
    public var negative: Int32

    /// Creates a triplet.
    public init(anchor: Int32, positive: Int32, negative: Int32) {
        (self.anchor, self.positive, self.negative) = (anchor, positive, negative)
    }

    public var description: String { "(\(anchor), \(positive), \(negative))" }
}
