import Dispatch
import MetricLearning

/// One benchmark case of `Scripts/pml_bench.py`: a step that mines, computes the
/// loss and its gradient with respect to the embeddings.
struct LossBenchmarkCase {
    let name: String
    let step: (Tensor<Float>, [Int]) throws -> (value: Float, gradient: Tensor<Float>)

    /// A loss after an optional miner, as the public API is used in a training loop.
    init(name: String, loss: any MetricLoss<Float>, miner: (any Miner<Float>)?) {
        self.name = name
        self.step = { embeddings, labels in
            try loss.valueWithGradient(embeddings: embeddings, labels: labels, tuples: miner?.mine(embeddings, labels: labels))
        }
    }

    init(name: String, step: @escaping (Tensor<Float>, [Int]) throws -> (value: Float, gradient: Tensor<Float>)) {
        self.name = name
        self.step = step
    }

    /// The six cases of the peer benchmark, with the same names and settings.
    /// Semi-hard and multi-similarity mining use the fused mine-and-reduce paths (no tuple
    /// list is built).
    static var all: [LossBenchmarkCase] { [
        .init(name: "contrastive+pairmargin", loss: ContrastiveLoss<Float>(), miner: PairMarginMiner<Float>()),
        .init(name: "triplet+semihard") { embeddings, labels in
            try TripletMarginLoss<Float>(margin: 0.1).valueWithGradient(
                embeddings: embeddings, labels: labels, minedBy: TripletMarginMiner(margin: 0.1, type: .semihard))
        },
        .init(name: "triplet+batchhard", loss: TripletMarginLoss<Float>(margin: 0.1), miner: BatchHardMiner<Float>()),
        .init(name: "multisimilarity+ms") { embeddings, labels in
            try MultiSimilarityLoss<Float>().valueWithGradient(embeddings: embeddings, labels: labels, minedBy: MultiSimilarityMiner())
        },
        .init(name: "angular", loss: AngularLoss<Float>(), miner: nil),
        .init(name: "triplet+distweighted", loss: TripletMarginLoss<Float>(margin: 0.1), miner: DistanceWeightedMiner<Float>()),
    ] }

    /// The median seconds of a step over `repeats` timed runs after one warm-up, on
    /// standard-normal embeddings with labels uniform over N/8 classes (as the peer).
    func medianSeconds(count n: Int, width d: Int, repeats: Int) throws -> Double {
        let embeddings = try Tensor<Float>.randomNormal(shape: [n, d], seed: 0)
        var generator = SeededRandomGenerator(seed: 1)
        let classes = max(2, n / 8)
        let labels = (0..<n).map { _ in generator.nextIndex(below: classes) }
        let first = try step(embeddings, labels)
        precondition(first.gradient.shape == embeddings.shape && first.value.isFinite)
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try step(embeddings, labels)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }
}
