import TensorCore

/// The hardest fraction of the positive pairs and of the negative pairs (Yuan, Yang & Zhang
/// 2017, "Hard-Aware Deeply Cascaded Embedding"), as PML's `HDCMiner`.
///
/// Of all P positive pairs of the batch against its references, keeps the
/// k = ⌈`filterPercentage`·P⌉ farthest (largest distance, or smallest similarity); of all
/// negative pairs, the ⌈`filterPercentage`·Q⌉ nearest. The fraction is taken over the
/// whole batch, not per anchor. Pairs come out in row-major order; among pairs of equal
/// value at the cut, the earlier ones are kept (PyTorch's `topk` leaves that choice open).
/// Defaults: 0.5, Euclidean distance of normalised embeddings.
///
/// `filterPercentage` is a fraction in [0, 1] despite its name (PML's), and a `Double` for
/// either scalar type, so that k = ⌈f·P⌉ is PML's count exactly.
///
/// - Complexity: O(N·M·D) for the distances, O(N·M) expected for the two selections;
///   memory O(N·M).
public struct HDCMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// The fraction of each kind of pair kept, in [0, 1].
    public var filterPercentage: Double
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner; the defaults are PML's.
    public init(filterPercentage: Double = 0.5, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        (self.filterPercentage, self.distance) = (filterPercentage, distance)
    }

    /// - Throws: `MetricLearningError` for a fraction outside [0, 1] or a bad batch.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        try BatchValidation.require(filterPercentage >= 0 && filterPercentage <= 1, "filterPercentage", filterPercentage, "must lie in [0, 1]")
        let (d, _, _, m) = try inputs.miningMatrix(distance)
        let (positive, negative) = inputs.pairing.allPairs().asPairs()
        func hardest(_ pairs: [IndexPair], farthest: Bool) -> [IndexPair] {
            let values = pairs.map { d[Int($0.anchor) * m + Int($0.other)] }
            let k = Int((filterPercentage * Double(pairs.count)).rounded(.up))
            return TopSelection.positions(of: values, count: k, largest: farthest != distance.isSimilarity).map { pairs[$0] }
        }
        return inputs.mined(.pairs(positive: hardest(positive, farthest: true), negative: hardest(negative, farthest: false)), from: d, of: distance)
    }
}
