import MetricLearning

/// One row of the demo's loss table: the `--loss` name, the miner and batches it trains with
/// by default, and how its objective is built.
struct DemoLoss: Sendable {
    /// What the loss learns from.
    enum Family: String, Sendable {
        /// Labelled pairs, triplets or lists of the batch.
        case metric
        /// Labels against class weights or proxies the loss owns.
        case classifier
        /// Two augmented views of each item; no labels.
        case selfSupervised = "self-supervised"
    }

    let name: String
    let family: Family
    /// The miner used without `--miner` (PML's usual partner of the loss), or "none".
    var miner = "none"
    /// Whether the loss trains on m-per-class batches by default (it needs, or its paper
    /// trains with, the same number of items of each class in a batch).
    var balancedBatches = false
    /// The objective for `classes` classes of `embeddingSize`-wide embeddings; `seed` draws
    /// the loss's own parameters.
    let build: @Sendable (_ classes: Int, _ embeddingSize: Int, _ seed: UInt64) throws -> Objective

    /// A loss over the batch's labelled pairs or triplets (every one, or the miner's).
    static func metric(_ name: String, _ loss: any MetricLoss<Float>, miner: String = "none", balanced: Bool = false) -> DemoLoss {
        DemoLoss(name: name, family: .metric, miner: miner, balancedBatches: balanced) { _, _, _ in
            Objective(step: .labelled { embeddings, _, labels, miner in
                guard let miner else { return try loss(embeddings, labels: labels) }
                return try loss(embeddings, labels: labels, minedBy: miner)
            })
        }
    }

    /// The dynamic soft margin loss, keeping its running histogram from step to step as PML's does.
    static func running(_ name: String, _ initial: DynamicSoftMarginLoss<Float>) -> DemoLoss {
        DemoLoss(name: name, family: .metric) { _, _, _ in
            var loss = initial
            return Objective(step: .labelled { embeddings, _, labels, miner in
                let inputs = BatchInputs(embeddings: embeddings, labels: labels)
                return try loss.update(inputs, tuples: miner.map { try $0.mine(inputs) })
            })
        }
    }

    /// A loss with class weights or proxies of its own, drawn as PML initialises them
    /// (`TrainableLoss`), which train beside the model.
    static func classifier<Loss: ClassifierLoss>(
        _ name: String, _ loss: Loss, afterStep: @escaping @Sendable (inout [Tensor<Float>]) -> Void = { _ in }
    ) -> DemoLoss where Loss.Scalar == Float {
        DemoLoss(name: name, family: .classifier) { classes, embeddingSize, seed in
            let head = try TrainableLoss(loss, classCount: classes, embeddingSize: embeddingSize, seed: seed)
            return Objective(parameters: head.parameters, step: .labelled { embeddings, parameters, labels, _ in
                try head(embeddings, parameters: parameters, labels: labels)
            }, afterStep: afterStep)
        }
    }

    /// A self-supervised loss of two views: the first view's rows against the second's as
    /// references, row i of both item i.
    static func views(_ name: String, _ loss: any PairedViewsLoss<Float>) -> DemoLoss {
        DemoLoss(name: name, family: .selfSupervised) { _, _, _ in
            Objective(step: .views { first, second in try loss(first, references: second) })
        }
    }
}
