import TensorCore

extension Sequential: CodableLayer {
    /// "Sequential" (a `Sequential` may hold another).
    public static var codingKind: String { "Sequential" }

    private enum CodingKeys: String, CodingKey {
        case layers
    }

    private enum EntryKeys: String, CodingKey {
        case kind, layer
    }

    /// Decodes the layers, each by its kind: the library's layers, and those listed in the
    /// decoder's `userInfo` under `LayerCoding.layerTypesKey`.
    /// - Throws: `DecodingError` for a kind the decoder does not know (the message lists the
    ///   known ones), or what a layer's decoding throws.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var list = try container.nestedUnkeyedContainer(forKey: .layers)
        let known = LayerCoding.knownTypes(Scalar.self, in: decoder)
        var layers: [any Layer<Scalar>] = []
        while !list.isAtEnd {
            let entry = try list.nestedContainer(keyedBy: EntryKeys.self)
            let kind = try entry.decode(String.self, forKey: .kind)
            guard let type = known[kind] else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: entry, debugDescription:
                    "Sequential cannot decode layer \(layers.count) of kind '\(kind)': the kinds known are \(known.keys.sorted().joined(separator: ", ")); "
                    + "list a layer type of your own under LayerCoding.layerTypesKey in the decoder's userInfo")
            }
            layers.append(try Self.decode(type, from: entry))
        }
        self.init(layers)
    }

    private static func decode<Decoded: CodableLayer<Scalar>>(_ type: Decoded.Type, from entry: KeyedDecodingContainer<EntryKeys>) throws -> any Layer<Scalar> {
        try entry.decode(type, forKey: .layer)
    }

    /// Encodes each layer with its kind.
    /// - Throws: `EncodingError` for a layer that does not conform to `CodableLayer` (the
    ///   message names its position and type), a refused assignment to `parameters` not yet
    ///   replaced, or what a layer's encoding throws.
    public func encode(to encoder: any Encoder) throws {
        if let assignmentFailure {
            throw EncodingError.invalidValue(self, EncodingError.Context(codingPath: encoder.codingPath, debugDescription: assignmentFailure.message))
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        var list = container.nestedUnkeyedContainer(forKey: .layers)
        for (index, layer) in layers.enumerated() {
            guard let codable = layer as? any CodableLayer<Scalar> else {
                throw EncodingError.invalidValue(layer, EncodingError.Context(codingPath: list.codingPath, debugDescription:
                    "Sequential cannot encode layer \(index), a \(type(of: layer)): a layer is saved when its type conforms to CodableLayer"))
            }
            var entry = list.nestedContainer(keyedBy: EntryKeys.self)
            try entry.encode(type(of: codable).codingKind, forKey: .kind)
            try entry.encode(codable, forKey: .layer)
        }
    }
}
