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
            // A batch against itself: selected from the upper triangle while it is computed
            // (`UpperTriangleBatchHard`), its lower triangle written only if the loss reads it.
            if inputs.referencesAreEmbeddings {
                let upper = UpperTriangleBatchHard<Scalar>(groups: SameLabelColumns(labels: inputs.labels, referenceLabels: inputs.labels))
                let visit = upper.makeVisit(leavingLowerTriangle: true)
                var d = try DistanceMatrixVisit.$current.withValue(visit) { try inputs.valueMatrix(squared) }
                let lowerTriangleLeftOut = visit.leftOutLowerTriangle(of: d.storage)
                if visit.covered {
                    return inputs.mined(.triplets(upper.triplets(d.storage)), from: (consume d).storage, of: squared,
                                        lowerTriangleLeftOut: lowerTriangleLeftOut)
                }
                // Not seen whole (computed another way): the whole rows are searched.
                if lowerTriangleLeftOut { DistanceMatrix.mirrorUpperTriangle(&d.storage, count: inputs.labels.count) }
                let triplets = BatchHardSelection.triplets(d, pairing: inputs.pairing, isSimilarity: false, squaredDistances: true)
                return inputs.mined(.triplets(triplets), from: (consume d).storage, of: squared)
            }
            let d = try inputs.valueMatrix(squared)
            let triplets = BatchHardSelection.triplets(d, pairing: inputs.pairing, isSimilarity: false, squaredDistances: true)
            return inputs.mined(.triplets(triplets), from: (consume d).storage, of: squared)
        }
        let d = try inputs.valueMatrix(distance)
        let triplets = BatchHardSelection.triplets(d, pairing: inputs.pairing, isSimilarity: distance.isSimilarity)
        return inputs.mined(.triplets(triplets), from: (consume d).storage, of: distance)
    }
}
