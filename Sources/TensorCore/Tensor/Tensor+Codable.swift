extension Tensor: Codable {
    private enum CodingKeys: String, CodingKey {
        case shape, scalars
    }

    /// Decodes a tensor from its `shape` and row-major `scalars`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when an extent is negative, the extents multiply
    ///   past `Int`, or the scalar count differs from the shape's; the message names both.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let expected: Int
        do {
            expected = try Tensor.validate(shape: shape)
        } catch let error as MetricLearningError {
            throw DecodingError.dataCorruptedError(forKey: .shape, in: container, debugDescription: "Tensor: \(error.message)")
        }
        let scalars = try container.decode([Scalar].self, forKey: .scalars)
        guard scalars.count == expected else {
            throw DecodingError.dataCorruptedError(forKey: .scalars, in: container,
                debugDescription: "Tensor: shape \(shape) holds \(expected) scalars, but \(scalars.count) were given")
        }
        self.init(uncheckedShape: shape, scalars: scalars)
    }

    /// Encodes the tensor as its `shape` and row-major `scalars`.
    ///
    /// Floating-point scalars keep every bit through an encoder that writes them exactly (such as
    /// `JSONEncoder`, which writes the shortest decimal that reads back as the same value).
    /// Non-finite scalars are encoded as the encoder's strategy for them says (`JSONEncoder`
    /// throws unless one is set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        try container.encode(storage, forKey: .scalars)
    }
}
