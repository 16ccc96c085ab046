import Dispatch
import MetricLearning

/// One benchmark case of `shared/bench/pml_bench.py`: a loss with an optional miner.
struct LossBenchmarkCase {
    let name: String
    let loss: any MetricLoss<Float>
    let miner: (any Miner<Float>)?

    /// The six cases of the peer benchmark, with the same names and settings.
    static var all: [LossBenchmarkCase] { [
        .init(name: "contrastive+pairmargin", loss: ContrastiveLoss<Float>(), miner: PairMarginMiner<Float>()),
        .init(name: "triplet+semihard", loss: TripletMarginLoss<Float>(margin: 0.1), miner: TripletMarginMiner<Float>(margin: 0.1, type: .semihard)),
        .init(name: "triplet+batchhard", loss: TripletMarginLoss<Float>(margin: 0.1), miner: BatchHardMiner<Float>()),
        .init(name: "multisimilarity+ms", loss: MultiSimilarityLoss<Float>(), miner: MultiSimilarityMiner<Float>()),
        .init(name: "angular", loss: AngularLoss<Float>(), miner: nil),
        .init(name: "triplet+distweighted", loss: TripletMarginLoss<Float>(margin: 0.1), miner: DistanceWeightedMiner<Float>()),
    ] }

    /// One training step: mine, then the loss and its gradient.
    func step(_ embeddings: Tensor<Float>, _ labels: [Int]) throws -> Float {
        let tuples = try miner?.mine(embeddings, labels: labels)
        let (value, gradient) = try loss.valueWithGradient(embeddings: embeddings, labels: labels, tuples: tuples)
        precondition(gradient.shape == embeddings.shape)
        return value
    }

    /// The median seconds of a step over `repeats` timed runs after one warm-up, on
    /// standard-normal embeddings with labels uniform over N/8 classes (as the peer).
    func medianSeconds(count n: Int, width d: Int, repeats: Int) throws -> Double {
        let embeddings = try Tensor<Float>.randomNormal(shape: [n, d], seed: 0)
        var generator = SeededRandomGenerator(seed: 1)
        let classes = max(2, n / 8)
        let labels = (0..<n).map { _ in generator.nextIndex(below: classes) }
        _ = try step(embeddings, labels)
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try step(embeddings, labels)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }
}
