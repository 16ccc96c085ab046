import TensorCore

extension TripletMarginLoss {
    /// The loss over the triplets `miner` would mine from this batch, reduced without
    /// materialising them when possible.
    ///
    /// Equal to `self(embeddings, labels:, tuples: miner.mine(embeddings.value, labels:))`.
    /// When the loss has no `swap` or `smooth`, uses a mean, mean-of-non-zero or sum
    /// reducer, and the miner compares with the same distance, the triplets are never
    /// built: O(N² log N) time and O(N²) memory (see `FusedTripletReduction`). Otherwise
    /// it mines and then reduces.
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, labels: [Int], minedBy miner: TripletMarginMiner<Scalar>
    ) throws -> Variable<Scalar> {
        try self(LossInputs(embeddings: embeddings, labels: labels), minedBy: miner)
    }

    /// The loss of anchors against references over the triplets `miner` would mine
    /// between them, reduced without materialising them when possible.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: LossInputs<Scalar>, minedBy miner: TripletMarginMiner<Scalar>) throws -> Variable<Scalar> {
        try inputs.validate(nil)
        try BatchValidation.requireFinite(["margin": margin, "miner margin": miner.margin])
        guard !swap, !smooth, let reduction = TermReduction(reducer), DistanceIdentity(distance) == DistanceIdentity(miner.distance) else {
            return try self(inputs, tuples: miner.mine(MiningInputs(inputs)))
        }
        let matrix = inputs.matrix(distance)
        let pairing = inputs.pairing
        let (type, minerMargin, lossMargin, isSimilarity) = (miner.type, miner.margin, margin, distance.isSimilarity)
        return try Variable.record([matrix]) {
            let (value, gradient) = FusedTripletReduction.lossAndGradient(
                matrix: matrix.value, pairing: pairing, isSimilarity: isSimilarity,
                type: type, minerMargin: minerMargin, lossMargin: lossMargin, reduction: reduction)
            return (Tensor(value), { g in [gradient * g.scalars[0]] })
        }.checked()
    }

    /// The value and gradient of the loss over the triplets `miner` would mine.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], minedBy miner: TripletMarginMiner<Scalar>
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try TensorCore.valueWithGradient(at: embeddings) { try self($0, labels: labels, minedBy: miner) }
    }
}
