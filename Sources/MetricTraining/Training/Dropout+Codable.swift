import TensorCore

extension Dropout: CodableLayer {
    /// "Dropout".
    public static var codingKind: String { "Dropout" }

    private enum CodingKeys: String, CodingKey {
        case probability
    }

    /// Decodes the probability.
    /// - Throws: `DecodingError` for a probability outside [0, 1).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let probability = try container.decode(Scalar.self, forKey: .probability)
        try LayerCoding.decodingCheck(.probability, in: container) { try Self.check(probability: probability) }
        self.init(probability: probability)
    }

    /// Encodes the probability.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(probability, forKey: .probability)
    }
}
