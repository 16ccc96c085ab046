import MetricLearning

extension ReferenceParameter: Decodable {
    private enum CodingKeys: String, CodingKey {
        case name, shape, value, grad
    }

    /// Decodes `{"name", "shape", "value", "grad"}`; the value and the gradient must have
    /// the declared shape.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        shape = try c.decode([Int].self, forKey: .shape)
        value = try c.decodeTensor(forKey: .value, shape: shape)
        gradient = try c.decodeTensor(forKey: .grad, shape: shape)
    }
}
