import TensorCore
import MetricLosses

extension TrainableLoss: Codable where Loss: Codable {
    private enum CodingKeys: String, CodingKey {
        case loss, weights
    }

    /// Decodes the loss and its weights.
    /// - Throws: `DecodingError` for a loss or weights that do not decode, or weights that
    ///   are not a matrix.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let weights = try container.decode(Tensor<Scalar>.self, forKey: .weights)
        guard weights.rank == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .weights, in: container,
                debugDescription: "TrainableLoss: weights must be a matrix, got shape \(weights.shape)")
        }
        self.init(try container.decode(Loss.self, forKey: .loss), weights: weights)
    }

    /// Encodes the loss and its weights.
    /// - Throws: `EncodingError` while an assignment to `parameters` is refused, or what the
    ///   loss's encoding throws.
    public func encode(to encoder: any Encoder) throws {
        try LayerCoding.encodingCheck(self, in: encoder) { if let assignmentFailure { throw assignmentFailure } }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(loss, forKey: .loss)
        try container.encode(weights, forKey: .weights)
    }
}
