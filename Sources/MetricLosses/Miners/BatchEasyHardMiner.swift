import TensorCore

/// Per-anchor choice of one positive and one negative by strategy (Xuan, Stylianou &
/// Pless 2020), as PML's `BatchEasyHardMiner`.
///
/// Positives: `.easy` nearest, `.hard` farthest, `.semihard` farthest that is still
/// nearer than the chosen negative, `.all` every positive pair. Negatives: `.easy`
/// farthest, `.hard` nearest, `.semihard` nearest that is still farther than the chosen
/// positive, `.all` every negative pair. Optional allowed ranges drop candidates whose
/// value lies outside them. Returns pairs (anchor, positive) and (anchor, negative);
/// with neither side `.all`, only anchors that got both.
/// Defaults: easy positives, semi-hard negatives, Euclidean distance of normalised embeddings.
public struct BatchEasyHardMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// How one side is chosen.
    public enum Strategy: String, Sendable, CaseIterable {
        /// The closest positive, or the farthest negative.
        case easy
        /// The farthest positive, or the closest negative.
        case hard
        /// The hardest candidate that still keeps the triplet ordered correctly.
        case semihard
        /// Every pair on this side.
        case all
    }

    /// How the positive of each anchor is chosen.
    public var positiveStrategy: Strategy
    /// How the negative of each anchor is chosen.
    public var negativeStrategy: Strategy
    /// Positives whose value lies outside this range are never chosen.
    public var allowedPositiveRange: ClosedRange<Scalar>?
    /// Negatives whose value lies outside this range are never chosen.
    public var allowedNegativeRange: ClosedRange<Scalar>?
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(
        positiveStrategy: Strategy = .easy, negativeStrategy: Strategy = .semihard,
        allowedPositiveRange: ClosedRange<Scalar>? = nil, allowedNegativeRange: ClosedRange<Scalar>? = nil,
        distance: any Distance<Scalar> = EuclideanDistance<Scalar>()
    ) {
        (self.positiveStrategy, self.negativeStrategy, self.allowedPositiveRange) = (positiveStrategy, negativeStrategy, allowedPositiveRange)
        (self.allowedNegativeRange, self.distance) = (allowedNegativeRange, distance)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        let (p, n) = (positiveStrategy, negativeStrategy)
        if p == .semihard && n == .semihard {
            throw MetricLearningError(.invalidParameter, "positiveStrategy and negativeStrategy cannot both be semihard")
        }
        if (p == .semihard && n == .all) || (p == .all && n == .semihard) {
            throw MetricLearningError(.invalidParameter, "semihard cannot be combined with all (positive \(p), negative \(n))")
        }
        let (d, labels, refs, m) = try inputs.miningMatrix(distance)
        let sign: Scalar = distance.isSimilarity ? 1 : -1  // closeness c = sign · value
        var positives: [IndexPair] = [], negatives: [IndexPair] = []
        for a in 0..<labels.count {
            let own = inputs.pairing.selfReference(of: a)
            func choose(positive: Bool, strategy: Strategy, threshold: Scalar?) -> Int? {
                let range = positive ? allowedPositiveRange : allowedNegativeRange
                var best: Int?, bestCloseness: Scalar = 0
                for j in 0..<m where j != own && (refs[j] == labels[a]) == positive {
                    let value = d[a * m + j]
                    if let range, !range.contains(value) { continue }
                    let c = sign * value
                    if let threshold {
                        // Semi-hard: positives closer than the negative, negatives farther than the positive.
                        if positive ? !(c > threshold) : !(c < threshold) { continue }
                    }
                    // Prefer closer for easy positives and hard/semi-hard negatives.
                    let preferCloser = positive ? strategy == .easy : strategy != .easy
                    if best == nil || (preferCloser ? c > bestCloseness : c < bestCloseness) {
                        best = j; bestCloseness = c
                    }
                }
                return best
            }
            func closeness(_ j: Int) -> Scalar { sign * d[a * m + j] }
            var chosenPositive: Int?, chosenNegative: Int?
            if p == .semihard {
                chosenNegative = choose(positive: false, strategy: n, threshold: nil)
                chosenPositive = chosenNegative.flatMap { choose(positive: true, strategy: p, threshold: closeness($0)) }
            } else if n == .semihard {
                chosenPositive = choose(positive: true, strategy: p, threshold: nil)
                chosenNegative = chosenPositive.flatMap { choose(positive: false, strategy: n, threshold: closeness($0)) }
            } else {
                if p != .all { chosenPositive = choose(positive: true, strategy: p, threshold: nil) }
                if n != .all { chosenNegative = choose(positive: false, strategy: n, threshold: nil) }
            }
            let anchor = Int32(a)
            switch (p == .all, n == .all) {
            case (false, false):
                if let cp = chosenPositive, let cn = chosenNegative {
                    positives.append(IndexPair(anchor: anchor, other: Int32(cp)))
                    negatives.append(IndexPair(anchor: anchor, other: Int32(cn)))
                }
            case (true, false):
                if let cn = chosenNegative { negatives.append(IndexPair(anchor: anchor, other: Int32(cn))) }
            case (false, true):
                if let cp = chosenPositive { positives.append(IndexPair(anchor: anchor, other: Int32(cp))) }
            case (true, true):
                break
            }
        }
        if p == .all || n == .all {
            let (allPositive, allNegative) = inputs.pairing.allPairs().asPairs()
            if p == .all { positives = allPositive }
            if n == .all { negatives = allNegative }
        }
        return inputs.mined(.pairs(positive: positives, negative: negatives), from: d, of: distance)
    }
}
