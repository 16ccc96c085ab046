import TensorCore

extension Linear: CodableLayer {
    /// "Linear".
    public static var codingKind: String { "Linear" }

    private enum CodingKeys: String, CodingKey {
        case weight, bias
    }

    /// Decodes the weight and bias.
    /// - Throws: `DecodingError` for tensors that do not decode, or a weight that is not a
    ///   matrix and a bias that does not fit it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let weight = try container.decode(Tensor<Scalar>.self, forKey: .weight)
        let bias = try container.decode(Tensor<Scalar>.self, forKey: .bias)
        try LayerCoding.decodingCheck(.bias, in: container) { try Self.check(parameterShapes: [weight.shape, bias.shape]) }
        parameters = [weight, bias]
    }

    /// Encodes the weight and bias.
    /// - Throws: `EncodingError` when `parameters` are not a weight and a bias that fits it.
    public func encode(to encoder: any Encoder) throws {
        try LayerCoding.encodingCheck(self, in: encoder) { try Self.check(parameterShapes: parameters.map(\.shape)) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parameters[0], forKey: .weight)
        try container.encode(parameters[1], forKey: .bias)
    }
}
