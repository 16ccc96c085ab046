import TensorCore

/// Feature rows with integer labels, the input of training and evaluation.
public struct LabeledDataset<Scalar: TensorScalar>: Sendable {
    /// `[count, featureWidth]`.
    public var features: Tensor<Scalar>
    /// One label per row.
    public var labels: [Int]

    /// Creates a dataset.
    /// - Throws: `MetricLearningError` when the label count differs from the row count.
    public init(features: Tensor<Scalar>, labels: [Int]) throws {
        guard features.rank == 2, features.shape[0] == labels.count else {
            throw MetricLearningError(.invalidLabels, "\(labels.count) labels for features of shape \(features.shape)")
        }
        (self.features, self.labels) = (features, labels)
    }

    /// The number of rows.
    public var count: Int { labels.count }

    /// The rows at `indices`, in order.
    public func subset(_ indices: [Int]) throws -> LabeledDataset {
        try LabeledDataset(features: features.gatheringRows(indices), labels: indices.map { labels[$0] })
    }

    /// A seeded shuffle split: the first `fraction` of the rows for training, the rest held out.
    public func split(trainingFraction fraction: Double, seed: UInt64) throws -> (training: LabeledDataset, test: LabeledDataset) {
        try BatchValidation.require(fraction > 0 && fraction < 1, "trainingFraction", fraction, "must lie in (0, 1)")
        var order = Array(0..<count)
        var generator = SeededRandomGenerator(seed: seed)
        order.shuffle(using: &generator)
        let cut = Int((Double(count) * fraction).rounded())
        return (try subset(Array(order[..<cut])), try subset(Array(order[cut...])))
    }
}
