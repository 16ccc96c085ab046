import MetricLearning

/// The fixtures' `mined` object, decoded into `MinedTuples`:
/// `{"kind": "triplets", "anchor_positive_negative": [[a, p, n], …]}` or
/// `{"kind": "pairs", "positive_pairs": [[a, p], …], "negative_pairs": [[a, n], …]}`.
struct MinedTuplesRecord: Decodable {
    let tuples: MinedTuples

    private enum CodingKeys: String, CodingKey {
        case kind
        case triplets = "anchor_positive_negative"
        case positivePairs = "positive_pairs"
        case negativePairs = "negative_pairs"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "triplets":
            let rows = try Self.rows(in: c, forKey: .triplets, width: 3)
            tuples = .triplets(rows.map { IndexTriplet(anchor: $0[0], positive: $0[1], negative: $0[2]) })
        case "pairs":
            let positive = try Self.rows(in: c, forKey: .positivePairs, width: 2)
            let negative = try Self.rows(in: c, forKey: .negativePairs, width: 2)
            tuples = .pairs(positive: positive.map { IndexPair(anchor: $0[0], other: $0[1]) },
                            negative: negative.map { IndexPair(anchor: $0[0], other: $0[1]) })
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "kind \"\(kind)\" is neither \"triplets\" nor \"pairs\"")
        }
    }

    private static func rows(in c: KeyedDecodingContainer<CodingKeys>, forKey key: CodingKeys, width: Int) throws -> [[Int32]] {
        let rows = try c.decode([[Int32]].self, forKey: key)
        if let bad = rows.firstIndex(where: { $0.count != width }) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                debugDescription: "entry \(bad) has \(rows[bad].count) indices where \(width) were expected")
        }
        return rows
    }
}
