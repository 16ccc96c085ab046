import TensorCore

extension ReLU: CodableLayer {
    /// "ReLU".
    public static var codingKind: String { "ReLU" }

    private enum CodingKeys: CodingKey {}

    /// Decodes the layer, which has no fields.
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
    }

    /// Encodes the layer as an empty set of fields.
    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: CodingKeys.self)
    }
}
