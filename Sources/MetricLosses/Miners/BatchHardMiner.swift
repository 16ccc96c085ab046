import TensorCore

/// Batch-hard mining (Hermans, Beyer & Leibe 2017), as PML's `BatchHardMiner`.
///
/// For every anchor with a positive and a negative: its farthest positive and its
/// nearest negative, one triplet. Ties go to the lowest index.
public struct BatchHardMiner<Scalar: TensorScalar>: MatrixSharingMiner, Sendable {
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the miner (Euclidean distance of normalised embeddings, as PML).
    public init(distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        self.distance = distance
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func mineSharingMatrix(_ inputs: BatchInputs<Scalar>) throws -> MiningResult<Scalar> {
        if let squared = SquaredDistanceThreshold.squaredForm(of: distance) {
            // Squared distances order the same way; ties are settled as on the roots. No N×M roots.
            let d = try inputs.valueMatrix(squared)
            let triplets = BatchHardSelection.triplets(d, pairing: inputs.pairing, isSimilarity: false, squaredDistances: true)
            return inputs.mined(.triplets(triplets), from: (consume d).storage, of: squared)
        }
        let d = try inputs.valueMatrix(distance)
        let triplets = BatchHardSelection.triplets(d, pairing: inputs.pairing, isSimilarity: distance.isSimilarity)
        return inputs.mined(.triplets(triplets), from: (consume d).storage, of: distance)
    }
}
