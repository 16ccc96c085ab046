import TensorCore

extension MultiSimilarityLoss {
    /// The loss over the pairs `miner` would mine from this batch, selected from the same
    /// similarity matrix without listing them.
    ///
    /// Equal to `self(embeddings, labels:, tuples: miner.mine(embeddings.value, labels:))`.
    /// When the miner compares with the same distance as the loss, the matrix is computed
    /// once and each anchor's pairs are chosen and reduced row by row
    /// (`MinedMultiSimilarityTerms`); otherwise it mines and then reduces.
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, labels: [Int], minedBy miner: MultiSimilarityMiner<Scalar>
    ) throws -> Variable<Scalar> {
        try self(LossInputs(embeddings: embeddings, labels: labels), minedBy: miner)
    }

    /// The loss of anchors against references over the pairs `miner` would mine between them.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: LossInputs<Scalar>, minedBy miner: MultiSimilarityMiner<Scalar>) throws -> Variable<Scalar> {
        try inputs.validate(nil)
        try BatchValidation.requireFinite(["alpha": alpha, "beta": beta, "base": base, "miner epsilon": miner.epsilon])
        try BatchValidation.require(alpha > 0, "alpha", alpha, "must be positive")
        try BatchValidation.require(beta > 0, "beta", beta, "must be positive")
        guard DistanceIdentity(distance) == DistanceIdentity(miner.distance) else {
            return try self(inputs, tuples: miner.mine(MiningInputs(inputs)))
        }
        let terms: Variable<Scalar>
        if inputs.referencesAreEmbeddings && (distance is CosineSimilarity<Scalar> || distance is DotProductSimilarity<Scalar>) {
            // A Gram matrix of the (normalised) batch: computed, mined and differentiated in one buffer.
            terms = MinedMultiSimilarityTerms.terms(gramOf: distance.prepare(inputs.embeddings), pairing: inputs.pairing,
                                                    epsilon: miner.epsilon, alpha: alpha, beta: beta, base: base)
        } else {
            terms = MinedMultiSimilarityTerms.terms(
                matrix: inputs.matrix(distance), pairing: inputs.pairing, epsilon: miner.epsilon,
                alpha: alpha, beta: beta, base: base, isSimilarity: distance.isSimilarity)
        }
        return try reducer.reduce(terms).checked()
    }

    /// The value and gradient of the loss over the pairs `miner` would mine.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, labels: [Int], minedBy miner: MultiSimilarityMiner<Scalar>
    ) throws -> (value: Scalar, gradient: Tensor<Scalar>) {
        try TensorCore.valueWithGradient(at: embeddings) { try self($0, labels: labels, minedBy: miner) }
    }
}
