import TensorCore

/// The triplets a batch already holds, laid out anchor, positive, negative: rows 3k, 3k + 1,
/// 3k + 2 form triplet k, as PML's `EmbeddingsAlreadyPackagedAsTriplets`.
///
/// The layout alone decides the roles: labels are not read (they may be anything), so the
/// triplets need not pair labels as other miners' do. Pair it with a sampler that packs
/// triplets, such as `FixedTripletSampler`.
///
/// Anchors are batch rows; positives and negatives index the references at the batch's own
/// rows: `selfOffset + 3k + 1` and `selfOffset + 3k + 2` when the references contain the
/// batch (the batch itself, a cross-batch memory), and, as PML indexes `ref_emb`, at
/// 3k + 1 and 3k + 2 when they do not.
///
/// - Complexity: O(N) after validating the batch.
public struct PackagedTripletsMiner<Scalar: TensorScalar>: Miner, Sendable {
    /// Creates the miner (PML's has no options).
    public init() {}

    /// - Throws: `MetricLearningError` for a bad batch, a batch whose row count is not a
    ///   multiple of 3, or references without the batch that have fewer rows than it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mine(_ inputs: BatchInputs<Scalar>) throws -> MinedTuples {
        let (n, m, _) = try inputs.validate()
        guard n % 3 == 0 else {
            throw MetricLearningError(.shapeMismatch, "a batch packaged as triplets has a multiple of 3 rows, but this one has \(n)")
        }
        guard n <= m else {
            throw MetricLearningError(.shapeMismatch, "packaged triplets index the references at the batch's rows, but there are \(m) references for \(n) rows")
        }
        let offset = Int32(inputs.selfOffset ?? 0)
        return .triplets(stride(from: Int32(0), to: Int32(n), by: 3).map {
            IndexTriplet(anchor: $0, positive: offset + $0 + 1, negative: offset + $0 + 2)
        })
    }
}
