/// The margin loss (Wu, Manmatha, Smola & Krähenbühl 2017), as PML's `MarginLoss`.
///
/// Per triplet, with boundary β: `relu(d_ap − β + margin) + relu(β − d_an + margin)`,
/// summed and divided by the number of non-zero positive and negative terms (0 when
/// there are none). Defaults margin 0.2, β = 1.2, Euclidean distance of normalised
/// embeddings. β may be learned: `valueWithGradients` also returns ∂loss/∂β.
public struct MarginLoss<Scalar: TensorScalar>: MetricLoss {
    /// Half the width of the band around β that pairs should clear.
    public var margin: Scalar
    /// The boundary between positive and negative distances.
    public var beta: Scalar
    /// How embeddings are compared.
    public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(margin: Scalar = 0.2, beta: Scalar = 1.2, distance: any Distance<Scalar> = EuclideanDistance<Scalar>()) {
        self.margin = margin
        self.beta = beta
        self.distance = distance
    }

    /// The loss with the stored, fixed β.
    public func callAsFunction(_ embeddings: Variable<Scalar>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Scalar> {
        try self(LossInputs(embeddings: embeddings, labels: labels), beta: Variable(beta), tuples: tuples)
    }

    /// The loss against references with the stored, fixed β.
    public func callAsFunction(_ inputs: LossInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try self(inputs, beta: Variable(beta), tuples: tuples)
    }

    /// The loss with a differentiable β (a one-element variable), for learning β.
    public func callAsFunction(
        _ embeddings: Variable<Scalar>, beta: Variable<Scalar>, labels: [Int], tuples: MinedTuples?
    ) throws -> Variable<Scalar> {
        try self(LossInputs(embeddings: embeddings, labels: labels), beta: beta, tuples: tuples)
    }

    /// The loss against references with a differentiable β.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: LossInputs<Scalar>, beta: Variable<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        try inputs.validate(tuples)
        try BatchValidation.require(margin >= 0, "margin", margin, "must not be negative")
        guard beta.value.count == 1 else {
            throw MetricLearningError(.shapeMismatch, "beta must hold one scalar, got shape \(beta.shape)")
        }
        let t = TripletColumns((tuples ?? inputs.pairing.allTriplets()).asTriplets())
        let values = inputs.values(distance, rows: t.anchors + t.anchors, columns: t.positives + t.negatives)
        let ap = values.elements(in: 0..<t.count)
        let an = values.elements(in: t.count..<(2 * t.count))
        let b = beta.reshaped(to: [])
        let positiveTerms = (distance.isSimilarity ? b - ap : ap - b) + margin
        let negativeTerms = (distance.isSimilarity ? an - b : b - an) + margin
        let positive = positiveTerms.relu(), negative = negativeTerms.relu()
        let active = (positive.value.scalars + negative.value.scalars).reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let total = positive.sum() + negative.sum()
        return try (active == 0 ? total * 0 : total / Scalar(active)).checked()
    }

    /// The value and the gradients with respect to the embeddings and to β.
    public func valueWithGradients(
        embeddings: Tensor<Scalar>, labels: [Int], tuples: MinedTuples? = nil
    ) throws -> (value: Scalar, embeddingsGradient: Tensor<Scalar>, betaGradient: Scalar) {
        let (value, gradients) = try MetricLearning.valueWithGradient(at: [embeddings, Tensor(beta)]) {
            try self($0[0], beta: $0[1], labels: labels, tuples: tuples)
        }
        return (value, gradients[0], gradients[1].scalars[0])
    }
}
