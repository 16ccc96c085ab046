/// Writes a value behind an existential (`any Distance`, `any Reducer`) as
/// `{"type": name, "value": …}`, for a closed list of `Codable` types, and reads it back.
///
/// The list is the library's own conformers; a value of another type cannot be encoded and
/// throws `EncodingError.invalidValue` naming its type and the types that can.
enum TaggedCoding {
    private enum Keys: String, CodingKey { case type, value }

    static func encode(_ value: Any, _ kind: String, among types: KeyValuePairs<String, any Codable.Type>, to encoder: any Encoder) throws {
        let dynamicType = ObjectIdentifier(type(of: value))
        guard let name = types.first(where: { ObjectIdentifier($0.value) == dynamicType })?.key, let codable = value as? any Encodable else {
            throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription:
                "\(type(of: value)) cannot be encoded as a \(kind): only the library's \(kind)s can (\(types.map(\.key).joined(separator: ", ")))"))
        }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(name, forKey: .type)
        try codable.encode(to: container.superEncoder(forKey: .value))
    }

    static func decode<Value>(_ kind: String, as _: Value.Type, among types: KeyValuePairs<String, any Codable.Type>, from decoder: any Decoder) throws -> Value {
        let container = try decoder.container(keyedBy: Keys.self)
        let name = try container.decode(String.self, forKey: .type)
        guard let type = types.first(where: { $0.key == name })?.value else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription:
                "unknown \(kind) '\(name)': expected one of \(types.map(\.key).joined(separator: ", "))")
        }
        guard let value = try type.init(from: container.superDecoder(forKey: .value)) as? Value else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "\(type) is not a \(kind)")
        }
        return value
    }
}
