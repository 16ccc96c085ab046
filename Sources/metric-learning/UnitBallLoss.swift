import MetricLearning

/// A metric loss of the embeddings projected into the unit ball (`UnitBallProjection`), where
/// the exponential triplet loss expects them.
struct UnitBallLoss: MetricLoss {
    let loss: any MetricLoss<Float>

    func callAsFunction(_ embeddings: Variable<Float>, labels: [Int], tuples: MinedTuples?) throws -> Variable<Float> {
        try loss(UnitBallProjection()(embeddings), labels: labels, tuples: tuples)
    }
}
