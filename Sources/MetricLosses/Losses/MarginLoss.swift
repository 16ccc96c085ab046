import TensorCore

/// The margin loss (Wu, Manmatha, Smola & Krähenbühl 2017), as PML's `MarginLoss`.
///
/// Per triplet, with boundary β: `relu(d_ap − β + margin) + relu(β − d_an + margin)`,
/// summed and divided by the number of non-zero positive and negative terms (0 when
/// there are none). Defaults margin 0.2, β = 1.2, Euclidean distance of normalised
/// embeddings. β may be learned: `valueWithGradients` also returns ∂loss/∂β.
public struct MarginLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// Half the width of the band around β that pairs should clear.
    public var margin: Scalar
    /// The boundary between positive and negative distances.
    public var beta: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(margin: Scalar = 0.2, beta: Scalar = 1.2, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        (self.margin, self.beta, self.distance) = (margin, beta, distance)
    }

    /// The loss against references with the stored, fixed β.
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try self(inputs, beta: Variable(beta), tuples: tuples)
    }

    /// The loss with a differentiable β (a one-element variable), for learning β.
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, beta: Variable<Scalar>, labels: [Int], tuples: MinedTuples?
    ) throws -> Variable<Scalar> {
        try self(BatchInputs(embeddings: embeddings, labels: labels), beta: beta, tuples: tuples)
    }

    /// The loss against references with a differentiable β.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, beta: Variable<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.requireFinite(["margin": margin])
        if let bad = beta.value.scalars.first(where: { !$0.isFinite }) {
            throw MetricLearningError(.invalidParameter, "beta = \(bad) is out of range: must be finite")
        }
        try BatchValidation.require(margin >= 0, "margin", margin, "must not be negative")
        guard beta.value.count == 1 else {
            throw MetricLearningError(.shapeMismatch, "beta must hold one scalar, got shape \(beta.shape)")
        }
        // Each triplet's two terms depend on one pair each: sum over distinct pairs, each
        // weighted by the number of triplets it appears in (O(N²) pairs, not O(N³) triplets).
        let pairs = WeightedPairs<Scalar>.of(tuples, pairing: inputs.pairing)
        let count = pairs.positive.anchors.count
        let values = inputs.values(distance, rows: pairs.positive.anchors + pairs.negative.anchors,
                                   columns: pairs.positive.others + pairs.negative.others)
        let ap = values.elements(in: 0..<count)
        let an = values.elements(in: count..<(count + pairs.negative.anchors.count))
        let b = beta.reshaped(to: [])
        let positive = ((distance.isSimilarity ? b - ap : ap - b) + margin).relu()
        let negative = ((distance.isSimilarity ? an - b : b - an) + margin).relu()
        var active: Scalar = 0
        for (v, w) in zip(positive.value.scalars, pairs.positiveWeights) where v > 0 { active += w }
        for (v, w) in zip(negative.value.scalars, pairs.negativeWeights) where v > 0 { active += w }
        let total = (positive * Variable(Tensor(pairs.positiveWeights))).sum() + (negative * Variable(Tensor(pairs.negativeWeights))).sum()
        return try (active == 0 ? total * 0 : total / active).checked()
    }

    /// The value and the gradients with respect to the embeddings and to β (its one
    /// parameter, a rank-0 tensor).
    public func valueWithGradients(
        embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> LossGradients<Scalar> {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, Tensor(beta)]) {
            try self($0[0], beta: $0[1], labels: labels, tuples: tuples)
        }
        return LossGradients(value: value, embeddingsGradient: gradients[0], parameterGradients: [gradients[1]])
    }
}
