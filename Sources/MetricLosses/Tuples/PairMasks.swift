import TensorCore

/// Listed positive and negative pairs as row-major `[N, M]` masks over the anchors (rows)
/// and the references (columns), for losses that work on the whole matrix.
struct PairMasks {
    /// True at (anchor, other) of every positive pair.
    let positive: [Bool]
    /// True at (anchor, other) of every negative pair.
    let negative: [Bool]

    /// The masks of `pairs` over `rows` anchors and `columns` references; a pair listed more
    /// than once counts once.
    init(_ pairs: (positive: [IndexPair], negative: [IndexPair]), rows: Int, columns: Int) {
        func mask(_ list: [IndexPair]) -> [Bool] {
            var mask = [Bool](repeating: false, count: rows * columns)
            for p in list { mask[Int(p.anchor) * columns + Int(p.other)] = true }
            return mask
        }
        positive = mask(pairs.positive)
        negative = mask(pairs.negative)
    }

    /// Throws for the first pair of `negatives` (in their order) that is also a positive pair.
    func requireDisjoint(_ negatives: [IndexPair], columns: Int) throws {
        if let p = negatives.first(where: { positive[Int($0.anchor) * columns + Int($0.other)] }) {
            throw MetricLearningError(.invalidTuples, "pair (\(p.anchor), \(p.other)) is listed as both positive and negative")
        }
    }
}
