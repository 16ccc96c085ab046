import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetricLearning
import TensorCore

/// One benchmark case of `Scripts/pml_bench.py`: a step that mines, computes the
/// loss and its gradient with respect to the embeddings (and the loss's own parameter).
struct LossBenchmarkCase {
    typealias Step = (Tensor<Float>, [Int]) throws -> (value: Float, gradient: Tensor<Float>)
    let name: String
    /// The step for embeddings of width D and C classes (made once, before timing).
    let makeStep: (_ width: Int, _ classes: Int) throws -> Step

    /// A loss after an optional miner, as a training loop calls it: through the loss's
    /// mine-and-reduce capability, which is fused where the loss has a path for the miner.
    init(name: String, loss: any MetricLoss<Float>, miner: (any Miner<Float>)? = nil) {
        self.name = name
        self.makeStep = { _, _ in { embeddings, labels in
            guard let miner else { return try loss.valueWithGradient(embeddings: embeddings, labels: labels) }
            return try loss.valueWithGradient(embeddings: embeddings, labels: labels, minedBy: miner)
        } }
    }

    /// A classifier loss with its weights for C classes, drawn once as the loss initialises them
    /// (PML's init, as the peer): both gradients are computed, as the peer's backward does.
    init(name: String, loss: any ClassifierLoss<Float>) {
        self.name = name
        self.makeStep = { width, classes in
            let weights = try loss.initialWeights(classCount: classes, embeddingSize: width, seed: 2)
            return { embeddings, labels in
                let r = try loss.valueWithGradient(embeddings: embeddings, weights: weights, labels: labels)
                return (r.value, r.embeddingsGradient)
            }
        }
    }

    /// The six cases of the peer benchmark's core suite, with the same names and settings.
    /// Semi-hard and multi-similarity mining take the fused paths (no tuple list is built).
    static var core: [LossBenchmarkCase] { [
        .init(name: "contrastive+pairmargin", loss: ContrastiveLoss<Float>(), miner: PairMarginMiner<Float>()),
        .init(name: "triplet+semihard", loss: TripletMarginLoss<Float>(margin: 0.1), miner: TripletMarginMiner(margin: 0.1, type: .semihard)),
        .init(name: "triplet+batchhard", loss: TripletMarginLoss<Float>(margin: 0.1), miner: BatchHardMiner<Float>()),
        .init(name: "multisimilarity+ms", loss: MultiSimilarityLoss<Float>(), miner: MultiSimilarityMiner<Float>()),
        .init(name: "angular", loss: AngularLoss<Float>()),
        .init(name: "triplet+distweighted", loss: TripletMarginLoss<Float>(margin: 0.1), miner: DistanceWeightedMiner<Float>()),
    ] }

    /// The cases of the peer benchmark's catalogue suite the library has so far, with PML's
    /// defaults (the peer's other catalogue cases are not implemented yet).
    static var catalogue: [LossBenchmarkCase] { [
        .init(name: "ntxent", loss: NTXentLoss<Float>()),
        .init(name: "supcon", loss: SupConLoss<Float>()),
        .init(name: "circle", loss: CircleLoss<Float>()),
        .init(name: "generalizedlifted", loss: GeneralizedLiftedStructureLoss<Float>()),
        .init(name: "pnp", loss: PNPLoss<Float>()),
        .init(name: "dynamicsoftmargin", loss: DynamicSoftMarginLoss<Float>()),
        .init(name: "tcm", loss: ThresholdConsistentMarginLoss<Float>()),
        .init(name: "fastap", loss: FastAPLoss<Float>()),
        .init(name: "nca", loss: NCALoss<Float>()),
        .init(name: "arcface", loss: ArcFaceLoss<Float>()),
        .init(name: "cosface", loss: CosFaceLoss<Float>()),
        .init(name: "normalizedsoftmax", loss: NormalizedSoftmaxLoss<Float>()),
        .init(name: "proxyanchor", loss: ProxyAnchorLoss<Float>()),
        .init(name: "proxynca", loss: ProxyNCALoss<Float>()),
        .init(name: "softtriple", loss: SoftTripleLoss<Float>()),
    ] }

    /// PML's other miners after a loss they suit, with PML's defaults (a local suite: the peer
    /// benchmark has none of these).
    static var miners: [LossBenchmarkCase] { [
        .init(name: "triplet+angularminer", loss: TripletMarginLoss<Float>(margin: 0.1), miner: AngularMiner<Float>()),
        .init(name: "contrastive+hdc", loss: ContrastiveLoss<Float>(), miner: HDCMiner<Float>()),
        .init(name: "contrastive+uniformhistogram", loss: ContrastiveLoss<Float>(), miner: UniformHistogramMiner<Float>()),
    ] }

    /// The cases of a suite: `core`, `catalogue`, `miners` or `all` (core and catalogue); nil
    /// for another name.
    static func suite(_ name: String) -> [LossBenchmarkCase]? {
        switch name {
        case "core": return core
        case "catalogue": return catalogue
        case "miners": return miners
        case "all": return core + catalogue
        default: return nil
        }
    }

    /// The median step over `repeats` timed runs after `warmups` (at least two), on standard-normal
    /// embeddings with labels uniform over N/8 classes, or over `classes` (as the peer): its
    /// seconds, the seconds of that step spent in matrix products, the seconds of other work
    /// run inside those products (summed over their threads; part of the rest), and the mean
    /// minor page faults of a timed (steady-state) step.
    func medianStep(count n: Int, width d: Int, classes fixedClasses: Int? = nil, repeats: Int, warmups: Int = 10)
        throws -> (seconds: Double, products: Double, inside: Double, faultsPerStep: Double) {
        let embeddings = try Tensor<Float>.randomNormal(shape: [n, d], seed: 0)
        var generator = SeededRandomGenerator(seed: 1)
        let classes = fixedClasses ?? max(2, n / 8)
        let labels = (0..<n).map { _ in generator.nextIndex(below: classes) }
        let step = try makeStep(d, classes)
        // The first warm-up fills the scratch pool; the heap reaches its working size within
        // a few more (which blocks the steps get depends on which thread ran which part).
        for _ in 0..<Swift.max(2, warmups) {
            let first = try step(embeddings, labels)
            precondition(first.gradient.shape == embeddings.shape && first.value.isFinite)
        }
        // Reserved up front: a list that grew during the timed steps would take heap blocks
        // the steps free and reuse, and move their next blocks to fresh pages.
        var times: [(seconds: Double, products: Double, inside: Double)] = []
        times.reserveCapacity(repeats)
        let faultsBefore = minorPageFaults()
        for _ in 0..<repeats {
            let clock = ProductClock()
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try ProductClock.$current.withValue(clock) { try step(embeddings, labels) }
            times.append((Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, Double(clock.nanoseconds) / 1e9,
                          Double(clock.insideNanoseconds) / 1e9))
        }
        let faults = Double(minorPageFaults() - faultsBefore) / Double(repeats)
        let median = times.sorted { $0.seconds < $1.seconds }[times.count / 2]
        return (median.seconds, median.products, median.inside, faults)
    }
}

/// The minor page faults (pages first touched, no disk read) of the process so far.
func minorPageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}
