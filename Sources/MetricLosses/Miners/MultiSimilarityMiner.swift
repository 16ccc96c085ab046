import TensorCore

/// Informative pairs by relative similarity (Wang et al. 2019), as PML's `MultiSimilarityMiner`.
///
/// For a similarity s: a negative pair (a, n) is kept when s_an + ε > min over a's
/// positives of s_ap; a positive pair (a, p) when s_ap − ε < max over a's negatives of
/// s_an. For a distance the inequalities flip. Default ε = 0.1, cosine similarity.
public struct MultiSimilarityMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// The slack ε.
    public var epsilon: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(epsilon: Scalar = 0.1, distance: any Distance<Scalar> = CosineSimilarity<Scalar>()) {
        (self.epsilon, self.distance) = (epsilon, distance)
    }

    /// The multi-similarity rule, which `MultiSimilarityLoss` applies without listing pairs.
    public var rule: MiningRule<Scalar>? { .multiSimilarity(epsilon: epsilon, distance: distance) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        try BatchValidation.requireFinite(["epsilon": epsilon])
        let (d, labels, refs, m) = try inputs.miningMatrix(distance)
        // Work in "closeness" c (similarity, or negated distance): larger is closer.
        let sign: Scalar = distance.isSimilarity ? 1 : -1
        var positive: [IndexPair] = [], negative: [IndexPair] = []
        d.withUnsafeBufferPointer { matrix in
            for a in 0..<labels.count {
                let own = inputs.pairing.selfReference(of: a)
                let row = matrix.baseAddress! + a * m
                var leastClosePositive = Scalar.infinity, closestNegative = -Scalar.infinity
                for j in 0..<m where j != own {
                    let c = sign * row[j]
                    if refs[j] == labels[a] { leastClosePositive = Swift.min(leastClosePositive, c) }
                    else { closestNegative = Swift.max(closestNegative, c) }
                }
                guard leastClosePositive < .infinity, closestNegative > -.infinity else { continue }
                for j in 0..<m where j != own {
                    let c = sign * row[j]
                    let pair = IndexPair(anchor: Int32(a), other: Int32(j))
                    if refs[j] == labels[a] {
                        if c - epsilon < closestNegative { positive.append(pair) }
                    } else if c + epsilon > leastClosePositive {
                        negative.append(pair)
                    }
                }
            }
        }
        return inputs.mined(.pairs(positive: positive, negative: negative), from: d, of: distance)
    }
}
