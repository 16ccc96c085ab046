/// Triplets that violate (or, for `.easy`, satisfy) a margin, as PML's `TripletMarginMiner`.
///
/// With the "gap" g = d_an − d_ap (s_ap − s_an for a similarity), over all triplets:
/// `.all` keeps g ≤ margin, `.hard` keeps g ≤ 0, `.semihard` keeps 0 < g ≤ margin,
/// `.easy` keeps g > margin. Defaults: margin 0.2, `.all`, Euclidean distance of
/// normalised embeddings.
public struct TripletMarginMiner<Scalar: TensorScalar>: Miner, Sendable {
    /// Which triplets to keep.
    public enum TripletType: String, Sendable, CaseIterable {
        /// Every triplet within the margin.
        case all
        /// Triplets whose negative is no farther than the positive.
        case hard
        /// Triplets whose negative is farther than the positive but within the margin.
        case semihard
        /// Triplets that already satisfy the margin.
        case easy

        /// Whether a triplet with gap `g` is kept.
        @inlinable func keeps(gap g: Scalar, margin: Scalar) -> Bool {
            switch self {
            case .all: return g <= margin
            case .hard: return g <= 0
            case .semihard: return g > 0 && g <= margin
            case .easy: return g > margin
            }
        }
    }

    /// The margin of the rule.
    public var margin: Scalar
    /// Which triplets to keep.
    public var type: TripletType
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(margin: Scalar = 0.2, type: TripletType = .all, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        self.margin = margin
        self.type = type
        self.distance = distance
    }

    /// - Complexity: O(N·M·D) for the distances, O(N·P·M) comparisons (P positives per
    ///   anchor), memory O(N·M) plus the kept triplets.
    public func mine(_ embeddings: Tensor<Scalar>, labels: [Int]) throws -> MinedTuples {
        try mine(MiningInputs(embeddings: embeddings, labels: labels))
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mine(_ inputs: MiningInputs<Scalar>) throws -> MinedTuples {
        try BatchValidation.requireFinite(["margin": margin])
        let d = try inputs.matrix(distance)
        let (labels, refs) = (inputs.labels, inputs.referenceLabels)
        let m = refs.count
        let sign: Scalar = distance.isSimilarity ? -1 : 1
        let groups = LabelGroups(refs)
        let pairing = inputs.pairing
        let (type, margin) = (self.type, self.margin)
        let parts = d.storage.withUnsafeBufferPointer { matrix in
            nonisolated(unsafe) let matrix = matrix
            return parallelRanges(labels.count, work: labels.count * m * 8) { anchors -> [IndexTriplet] in
                var out: [IndexTriplet] = []
                for a in anchors {
                    let row = a * m
                    let own = pairing.selfReference(of: a)
                    for p in groups.members(of: labels[a]) where p != own {
                        let ap = matrix[row + p]
                        for negative in 0..<m where refs[negative] != labels[a] {
                            let gap = sign * (matrix[row + negative] - ap)
                            if type.keeps(gap: gap, margin: margin) {
                                out.append(IndexTriplet(anchor: Int32(a), positive: Int32(p), negative: Int32(negative)))
                            }
                        }
                    }
                }
                return out
            }
        }
        let out = parts.flatMap { $0 }
        return .triplets(out)
    }
}
