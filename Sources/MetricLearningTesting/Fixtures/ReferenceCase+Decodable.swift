import MetricLearning

extension ReferenceCase: Decodable {
    private enum CodingKeys: String, CodingKey {
        case name, config, miner, pml, embeddings, labels, weights, references
        case referenceLabels = "reference_labels"
        case metaClasses = "meta_classes"
        case mined, parameters, loss
        case gradEmbeddings = "grad_embeddings"
        case gradWeights = "grad_weights"
        case gradReferences = "grad_references"
        case notes
    }

    /// Decodes a case of either fixture format and checks its shapes and indices.
    ///
    /// - Throws: `DecodingError` naming the field, for a missing or mistyped field, a
    ///   ragged array, a shape that does not fit, or a mined index outside the batch.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        configuration = try c.decodeIfPresent(KeywordArguments.self, forKey: .config)
        minerConfiguration = try c.decodeIfPresent(KeywordArguments.self, forKey: .miner)
        pml = try c.decodeIfPresent(PMLConfiguration.self, forKey: .pml)
        embeddings = try c.decodeTensor(forKey: .embeddings, shape: [nil, nil])
        let (n, d) = (embeddings.shape[0], embeddings.shape[1])
        labels = try c.decodeIntegersIfPresent(forKey: .labels, count: n)
        metaClasses = try c.decodeIntegersIfPresent(forKey: .metaClasses, count: n)
        weights = try c.decodeTensorIfPresent(forKey: .weights, shape: [d, nil])
        references = try c.decodeTensorIfPresent(forKey: .references, shape: [nil, d])
        let m = references?.shape[0]
        referenceLabels = try m.flatMap { try c.decodeIntegersIfPresent(forKey: .referenceLabels, count: $0) }
        if referenceLabels == nil, c.contains(.referenceLabels) {
            throw DecodingError.dataCorruptedError(forKey: .referenceLabels, in: c, debugDescription: "reference labels without references")
        }
        parameters = try c.decodeIfPresent([ReferenceParameter].self, forKey: .parameters) ?? []
        loss = try c.decode(Double.self, forKey: .loss)
        embeddingsGradient = try c.decodeTensor(forKey: .gradEmbeddings, shape: embeddings.shape)
        weightsGradient = try Self.gradient(in: c, forKey: .gradWeights, of: weights, named: "weights")
        referencesGradient = try Self.gradient(in: c, forKey: .gradReferences, of: references, named: "references")
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
        mined = try c.decodeIfPresent(MinedTuplesRecord.self, forKey: .mined)?.tuples
        if let mined {
            do {
                try mined.validate(batchSize: n, referenceCount: m ?? n)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .mined, in: c, debugDescription: "\(error)")
            }
        }
    }

    /// The gradient under `key`, shaped like `input`; an error when given without its input.
    private static func gradient(in c: KeyedDecodingContainer<CodingKeys>, forKey key: CodingKeys,
                                 of input: Tensor<Double>?, named inputName: String) throws -> Tensor<Double>? {
        guard let input else {
            guard !c.contains(key) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "a gradient without \(inputName)")
            }
            return nil
        }
        return try c.decodeTensorIfPresent(forKey: key, shape: input.shape)
    }
}
