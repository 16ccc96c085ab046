import TensorCore

extension TripletMarginLoss {
    /// The loss over the tuples `miner` would mine, reduced without materialising them when
    /// possible.
    ///
    /// Equal to `self(inputs, tuples: miner.mine(inputs))` (up to the last bits). When the
    /// miner's rule is a triplet-margin rule (`MiningRule.tripletMargin`) with the loss's
    /// distance, the loss has no `swap` or `smooth` and its reducer has a `termReduction`, the
    /// triplets are never built: O(N² log N) time and O(N²) memory (see
    /// `FusedTripletReduction`). Otherwise it mines and then reduces.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        try StepMemo.remembering {
            try inputs.validate()
            guard case .tripletMargin(let minerMargin, let type, let minerDistance)? = miner.rule,
                  !swap, !smooth, let reduction = reducer.termReduction, distance.computesSameMatrix(as: minerDistance) else {
                return try minedThenReduced(inputs, by: miner)
            }
            try BatchValidation.requireFinite(["margin": margin, "miner margin": minerMargin])
            let pairing = inputs.pairing
            let (lossMargin, isSimilarity) = (margin, distance.isSimilarity)
            return try Variable.fusedLoss(of: inputs.matrix(distance)) {
                FusedTripletReduction.lossAndGradient(
                    matrix: $0, pairing: pairing, isSimilarity: isSimilarity,
                    type: type, minerMargin: minerMargin, lossMargin: lossMargin, reduction: reduction)
            }.checked()
        }
    }
}
