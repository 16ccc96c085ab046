extension ReferenceFile: Decodable {
    private enum CodingKeys: String, CodingKey {
        case generator, seed, cases
        case batchSize = "n"
        case embeddingSize = "d"
        case classCount = "classes"
    }

    /// Decodes the file's header and each case on its own (see `Entry`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generator = try? c.decodeIfPresent(String.self, forKey: .generator)
        seed = try? c.decodeIfPresent(Int.self, forKey: .seed)
        batchSize = try? c.decodeIfPresent(Int.self, forKey: .batchSize)
        embeddingSize = try? c.decodeIfPresent(Int.self, forKey: .embeddingSize)
        classCount = try? c.decodeIfPresent(Int.self, forKey: .classCount)
        entries = try c.decode([Entry].self, forKey: .cases)
    }
}
