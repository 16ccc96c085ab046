import TensorCore

extension MultiSimilarityLoss {
    /// The loss over the tuples `miner` would mine, selected from the same similarity matrix
    /// without listing them when possible.
    ///
    /// Equal to `self(inputs, tuples: miner.mine(inputs))` (up to the last bits). When the
    /// miner's rule is the multi-similarity rule (`MiningRule.multiSimilarity`) with the loss's
    /// distance, the matrix is computed once and each anchor's pairs are chosen and reduced row
    /// by row (`MinedMultiSimilarityTerms`); otherwise it mines and then reduces.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, minedBy miner: any Miner<Scalar>) throws -> Variable<Scalar> {
        try StepMemo.remembering {
            try inputs.validate()
            guard case .multiSimilarity(let epsilon, let minerDistance)? = miner.rule, distance.computesSameMatrix(as: minerDistance) else {
                return try minedThenReduced(inputs, by: miner)
            }
            try checkHyperparameters()
            try BatchValidation.requireFinite(["miner epsilon": epsilon])
            let terms: Variable<Scalar>
            if inputs.referencesAreEmbeddings && distance.kernel == .dotProduct {
                // A Gram matrix of the (normalised) batch: computed, mined and differentiated in one buffer.
                terms = MinedMultiSimilarityTerms.terms(gramOf: distance.prepare(inputs.embeddings), pairing: inputs.pairing,
                                                        epsilon: epsilon, alpha: alpha, beta: beta, base: base)
            } else {
                terms = MinedMultiSimilarityTerms.terms(
                    matrix: inputs.matrix(distance), pairing: inputs.pairing, epsilon: epsilon,
                    alpha: alpha, beta: beta, base: base, isSimilarity: distance.isSimilarity)
            }
            return try reducer.reduce(LossTerms(elements: terms, labels: inputs.labels)).checked()
        }
    }
}
