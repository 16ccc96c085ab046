import MetricLearning

/// Builds the training objective from the `--loss` and `--miner` names.
enum LossFactory {
    static func loss(_ name: String) -> any MetricLoss<Float> {
        switch name {
        case "contrastive": return ContrastiveLoss<Float>()
        case "multisimilarity": return MultiSimilarityLoss<Float>()
        case "angular": return AngularLoss<Float>()
        case "margin": return MarginLoss<Float>()
        default: return TripletMarginLoss<Float>(margin: 0.2)
        }
    }

    static func miner(_ name: String) -> (any Miner<Float>)? {
        switch name {
        case "semihard": return TripletMarginMiner<Float>(margin: 0.2, type: .semihard)
        case "hard": return TripletMarginMiner<Float>(margin: 0.2, type: .hard)
        case "all": return TripletMarginMiner<Float>(margin: 0.2, type: .all)
        case "batchhard": return BatchHardMiner<Float>()
        case "ms": return MultiSimilarityMiner<Float>()
        case "pairmargin": return PairMarginMiner<Float>()
        default: return nil
        }
    }

    /// One batch's loss over the tuples the miner selects (every pair or triplet without one),
    /// through the loss's fused mine-and-reduce path where it has one; with the batch size.
    static func step(loss: any MetricLoss<Float>, miner: (any Miner<Float>)?) -> (Variable<Float>, [Int]) throws -> (loss: Variable<Float>, tuples: Int) {
        { embeddings, labels in
            guard let miner else { return (try loss(embeddings, labels: labels, tuples: nil), labels.count) }
            return (try loss(embeddings, labels: labels, minedBy: miner), labels.count)
        }
    }
}
