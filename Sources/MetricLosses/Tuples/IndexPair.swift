import TensorCore

/// A pair of batch indices: an anchor and the other element (a positive or a negative).
public struct IndexPair: Hashable, Sendable, CustomStringConvertible {
    /// The anchor's row in the batch.
    public var anchor: Int32
    /// The other element's row (in the batch, or in the references where a loss takes them).
    public var other: Int32

    /// Creates a pair.
    public init(anchor: Int32, other: Int32) {
        (self.anchor, self.other) = (anchor, other)
    }

    public var description: String { "(\(anchor), \(other))" }
}
