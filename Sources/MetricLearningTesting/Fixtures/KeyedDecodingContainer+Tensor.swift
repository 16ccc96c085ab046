import MetricLearning

extension KeyedDecodingContainer {
    /// The tensor under `key`, checked against an expected shape (`nil` entries match any extent).
    func decodeTensor(forKey key: Key, shape expected: [Int?]? = nil) throws -> Tensor<Double> {
        let json = try decode(JSONValue.self, forKey: key)
        let tensor: Tensor<Double>
        do {
            tensor = try json.denseTensor()
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a tensor: \(error.message)")
        }
        if let expected {
            let fits = tensor.shape.count == expected.count
                && zip(tensor.shape, expected).allSatisfy { actual, wanted in wanted.map { $0 == actual } ?? true }
            guard fits else {
                let wanted = "[" + expected.map { $0.map(String.init) ?? "_" }.joined(separator: ", ") + "]"
                throw DecodingError.dataCorruptedError(forKey: key, in: self,
                    debugDescription: "shape \(tensor.shape) where \(wanted) was expected")
            }
        }
        return tensor
    }

    /// The tensor under `key` if present, checked against an expected shape.
    func decodeTensorIfPresent(forKey key: Key, shape expected: [Int?]? = nil) throws -> Tensor<Double>? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeTensor(forKey: key, shape: expected)
    }

    /// The integers under `key` if present, checked to number `count`.
    func decodeIntegersIfPresent(forKey key: Key, count: Int) throws -> [Int]? {
        guard let values = try decodeIfPresent([Int].self, forKey: key) else { return nil }
        guard values.count == count else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                debugDescription: "\(values.count) entries where \(count) were expected")
        }
        return values
    }
}
