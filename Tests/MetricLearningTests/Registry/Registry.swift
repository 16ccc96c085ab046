import MetricLearning

/// Every loss, miner, distance and reducer of the library, each enrolled once (with the
/// variants worth testing). Adding a type means one line here; every suite reads these lists.
enum Registry {
    static func metricLosses<S: TensorScalar>() -> [RegistryEntry<any MetricLoss<S>>] { [
        .init(name: "contrastive", object: ContrastiveLoss<S>(positiveMargin: 0.05, negativeMargin: 1.3)),
        .init(name: "contrastive/cosine", object: ContrastiveLoss<S>(positiveMargin: 0.9, negativeMargin: 0.1, distance: CosineSimilarity())),
        .init(name: "contrastive/squared-mean", object: ContrastiveLoss<S>(distance: EuclideanDistance(normalizesEmbeddings: false, squared: true), reducer: MeanReducer())),
        .init(name: "triplet", object: TripletMarginLoss<S>(margin: 0.3), traits: .needsTriplets),
        .init(name: "triplet/swap", object: TripletMarginLoss<S>(margin: 0.3, swap: true), traits: .needsTriplets),
        .init(name: "triplet/smooth", object: TripletMarginLoss<S>(margin: 0.3, smooth: true), traits: .needsTriplets),
        .init(name: "triplet/cosine-sum", object: TripletMarginLoss<S>(margin: 0.2, distance: CosineSimilarity(), reducer: SumReducer()), traits: .needsTriplets),
        .init(name: "triplet/threshold", object: TripletMarginLoss<S>(margin: 0.4, reducer: ThresholdReducer(low: 0.05, high: 0.5)), traits: .needsTriplets),
        .init(name: "angular", object: AngularLoss<S>(), traits: .needsTriplets),
        .init(name: "angular/30", object: AngularLoss<S>(alphaDegrees: 30), traits: .needsTriplets),
        .init(name: "multi-similarity", object: MultiSimilarityLoss<S>()),
        .init(name: "multi-similarity/euclidean", object: MultiSimilarityLoss<S>(alpha: 1, beta: 5, base: 1, distance: EuclideanDistance())),
        .init(name: "margin", object: MarginLoss<S>(), traits: .needsTriplets),
        .init(name: "exponential-triplet", object: ExponentialTripletLoss<S>(overlap: 0.1), traits: [.needsTriplets, .unitBall]),
        .init(name: "combined", object: CombinedMetricLoss<S>([(0.5, TripletMarginLoss<S>(margin: 0.3)), (2, MultiSimilarityLoss<S>())])),
    ] }

    static func classifierLosses<S: TensorScalar>() -> [RegistryEntry<any ClassifierLoss<S>>] { [
        .init(name: "softmax", object: SoftmaxCrossEntropyLoss<S>()),
        .init(name: "hinge", object: MultiClassHingeLoss<S>(margin: 1)),
        .init(name: "hinge/crammer-singer", object: MultiClassHingeLoss<S>(margin: 1, form: .crammerSinger)),
        .init(name: "hinge/squared", object: MultiClassHingeLoss<S>(margin: 0.5, form: .squared)),
        .init(name: "l-softmax/2", object: LargeMarginSoftmaxLoss<S>(margin: 2)),
        .init(name: "l-softmax/4/annealed", object: LargeMarginSoftmaxLoss<S>(margin: 4, scale: 2, lambda: 3)),
        .init(name: "a-softmax/3", object: AngularSoftmaxLoss<S>(margin: 3)),
        .init(name: "a-softmax/4/annealed", object: AngularSoftmaxLoss<S>(margin: 4, scale: 1.5, lambda: 5)),
        .init(name: "combined", object: CombinedClassifierLoss<S>([(0.25, MultiClassHingeLoss<S>(margin: 1)), (0.65, LargeMarginSoftmaxLoss<S>(margin: 4)),
                                                                 (0.34, AngularSoftmaxLoss<S>(margin: 4))])),
    ] }

    static func miners<S: TensorScalar>() -> [RegistryEntry<any Miner<S>>] { [
        .init(name: "batch-hard", object: BatchHardMiner<S>()),
        .init(name: "batch-easy-hard", object: BatchEasyHardMiner<S>()),
        .init(name: "triplet-margin/all", object: TripletMarginMiner<S>(margin: 0.4, type: .all)),
        .init(name: "triplet-margin/hard", object: TripletMarginMiner<S>(margin: 0.3, type: .hard)),
        .init(name: "triplet-margin/semihard", object: TripletMarginMiner<S>(margin: 0.3, type: .semihard)),
        .init(name: "triplet-margin/easy/cosine", object: TripletMarginMiner<S>(margin: 0.1, type: .easy, distance: CosineSimilarity())),
        .init(name: "multi-similarity", object: MultiSimilarityMiner<S>()),
        .init(name: "multi-similarity/euclidean", object: MultiSimilarityMiner<S>(epsilon: 0.2, distance: EuclideanDistance())),
        .init(name: "pair-margin", object: PairMarginMiner<S>(positiveMargin: 0.5, negativeMargin: 1.2)),
        .init(name: "distance-weighted", object: DistanceWeightedMiner<S>(nonzeroLossCutoff: 2), traits: .sampling),
    ] }

    static func distances<S: TensorScalar>() -> [RegistryEntry<any Distance<S>>] { [
        .init(name: "euclidean", object: EuclideanDistance<S>()),
        .init(name: "euclidean/plain", object: EuclideanDistance<S>(normalizesEmbeddings: false)),
        .init(name: "euclidean/squared", object: EuclideanDistance<S>(normalizesEmbeddings: false, squared: true)),
        .init(name: "cosine", object: CosineSimilarity<S>()),
        .init(name: "dot", object: DotProductSimilarity<S>(normalizesEmbeddings: false)),
        .init(name: "dot/normalized", object: DotProductSimilarity<S>()),
    ] }

    static func reducers<S: TensorScalar>() -> [RegistryEntry<any Reducer<S>>] { [
        .init(name: "mean", object: MeanReducer<S>()),
        .init(name: "mean-of-non-zero", object: MeanOfNonZeroReducer<S>()),
        .init(name: "sum", object: SumReducer<S>()),
        .init(name: "threshold", object: ThresholdReducer<S>(low: 0.1, high: 0.9)),
    ] }

    /// The names of each registry, for `@Test(arguments:)`.
    static let metricLossNames = metricLosses().map { (entry: RegistryEntry<any MetricLoss<Double>>) in entry.name }
    static let classifierLossNames = classifierLosses().map { (entry: RegistryEntry<any ClassifierLoss<Double>>) in entry.name }
    static let minerNames = miners().map { (entry: RegistryEntry<any Miner<Double>>) in entry.name }
    static let distanceNames = distances().map { (entry: RegistryEntry<any Distance<Double>>) in entry.name }
    static let reducerNames = reducers().map { (entry: RegistryEntry<any Reducer<Double>>) in entry.name }

    static func metricLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any MetricLoss<S>> {
        metricLosses().first { $0.name == name }!
    }
    static func classifierLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any ClassifierLoss<S>> {
        classifierLosses().first { $0.name == name }!
    }
    static func miner<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Miner<S>> {
        miners().first { $0.name == name }!
    }
    static func distance<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Distance<S>> {
        distances().first { $0.name == name }!
    }
    static func reducer<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Reducer<S>> {
        reducers().first { $0.name == name }!
    }
}
