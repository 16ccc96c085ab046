import MetricLearning

/// PML's `SelfSupervisedLoss(loss)` (symmetric) until the library's lands: the wrapped loss
/// of the 2N rows [embeddings; references], two views of N items, labelled
/// [0, …, N − 1, 0, …, N − 1], so each row's other view is its one positive and the other
/// 2N − 2 rows are its negatives.
struct JoinedViewsLoss: MetricLoss {
    let loss: any MetricLoss<Float>

    func callAsFunction(_ inputs: BatchInputs<Float>, tuples: MinedTuples?) throws -> Variable<Float> {
        let items = Array(0..<inputs.labels.count)
        return try loss(Variable.concatenatingRows([inputs.embeddings, inputs.references]), labels: items + items, tuples: tuples)
    }
}
