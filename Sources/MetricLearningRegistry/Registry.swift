import MetricLearning
import MetricLearningTesting

/// Every loss, miner, distance and reducer of the library, each enrolled once (with the
/// variants worth testing). Adding a type means one entry here; every test suite, the
/// fuzzer and the reference-fixture runner read these lists.
package enum Registry {
    package static func metricLosses<S: TensorScalar>() -> [RegistryEntry<any MetricLoss<S>>] { [
        .init(name: "contrastive", object: ContrastiveLoss<S>(positiveMargin: 0.05, negativeMargin: 1.3), pml: .init("ContrastiveLoss") { a in
            ContrastiveLoss<S>(positiveMargin: S(try a.double("pos_margin", default: 0)), negativeMargin: S(try a.double("neg_margin", default: 1)),
                               distance: try distance(a, default: EuclideanDistance()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "contrastive/cosine", object: ContrastiveLoss<S>(positiveMargin: 0.9, negativeMargin: 0.1, distance: CosineSimilarity())),
        .init(name: "contrastive/squared-mean", object: ContrastiveLoss<S>(distance: EuclideanDistance(normalizesEmbeddings: false, squared: true), reducer: MeanReducer())),
        .init(name: "triplet", object: TripletMarginLoss<S>(margin: 0.3), traits: .needsTriplets, pml: .init("TripletMarginLoss") { a in
            guard try a.string("triplets_per_anchor", default: "all") == "all" else { throw PMLUnsupported("TripletMarginLoss.triplets_per_anchor other than all") }
            return TripletMarginLoss<S>(margin: S(try a.double("margin", default: 0.05)), swap: try a.bool("swap", default: false),
                                        smooth: try a.bool("smooth_loss", default: false),
                                        distance: try distance(a, default: EuclideanDistance()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "triplet/swap", object: TripletMarginLoss<S>(margin: 0.3, swap: true), traits: .needsTriplets),
        .init(name: "triplet/smooth", object: TripletMarginLoss<S>(margin: 0.3, smooth: true), traits: .needsTriplets),
        .init(name: "triplet/cosine-sum", object: TripletMarginLoss<S>(margin: 0.2, distance: CosineSimilarity(), reducer: SumReducer()), traits: .needsTriplets),
        .init(name: "triplet/threshold", object: TripletMarginLoss<S>(margin: 0.4, reducer: ThresholdReducer(low: 0.05, high: 0.5)), traits: .needsTriplets),
        .init(name: "angular", object: AngularLoss<S>(), traits: .needsTriplets, pml: .init("AngularLoss") { a in
            AngularLoss<S>(alphaDegrees: S(try a.double("alpha", default: 40)), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "angular/30", object: AngularLoss<S>(alphaDegrees: 30), traits: .needsTriplets),
        .init(name: "multi-similarity", object: MultiSimilarityLoss<S>(), pml: .init("MultiSimilarityLoss") { a in
            MultiSimilarityLoss<S>(alpha: S(try a.double("alpha", default: 2)), beta: S(try a.double("beta", default: 50)), base: S(try a.double("base", default: 0.5)),
                                   distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "multi-similarity/euclidean", object: MultiSimilarityLoss<S>(alpha: 1, beta: 5, base: 1, distance: EuclideanDistance())),
        .init(name: "margin", object: MarginLoss<S>(), traits: .needsTriplets, pml: .init("MarginLoss") { a in
            guard try a.double("nu", default: 0) == 0, try !a.bool("learn_beta", default: false) else { throw PMLUnsupported("MarginLoss with nu or learn_beta") }
            return MarginLoss<S>(margin: S(try a.double("margin", default: 0.2)), beta: S(try a.double("beta", default: 1.2)),
                                 distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "exponential-triplet", object: ExponentialTripletLoss<S>(overlap: 0.1), traits: [.needsTriplets, .unitBall], pml: .init("ExponentialTripletLoss") { a in
            ExponentialTripletLoss<S>(overlap: S(try a.double("overlap", default: 0)))
        }),
        .init(name: "combined", object: CombinedMetricLoss<S>([(0.5, TripletMarginLoss<S>(margin: 0.3)), (2, MultiSimilarityLoss<S>())])),
        .init(name: "circle", object: CircleLoss<S>(margin: 0.25, gamma: 16), traits: [.needsTriplets, .detachedFactors], pml: .init("CircleLoss") { a in
            CircleLoss<S>(margin: S(try a.double("m", default: 0.4)), gamma: S(try a.double("gamma", default: 80)),
                          distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "ntxent", object: NTXentLoss<S>(temperature: 0.1), traits: .needsTriplets, pml: .init("NTXentLoss") { a in
            NTXentLoss<S>(temperature: S(try a.double("temperature", default: 0.07)),
                          distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "ntxent/euclidean", object: NTXentLoss<S>(temperature: 0.3, distance: EuclideanDistance()), traits: .needsTriplets),
        .init(name: "supcon", object: SupConLoss<S>(temperature: 0.2), traits: .needsTriplets, pml: .init("SupConLoss") { a in
            SupConLoss<S>(temperature: S(try a.double("temperature", default: 0.1)),
                          distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "supcon/euclidean", object: SupConLoss<S>(temperature: 0.3, distance: EuclideanDistance()), traits: .needsTriplets),
    ] }

    package static func classifierLosses<S: TensorScalar>() -> [RegistryEntry<any ClassifierLoss<S>>] { [
        .init(name: "softmax", object: SoftmaxCrossEntropyLoss<S>(), pml: .init("SoftmaxCrossEntropyLoss") { _ in SoftmaxCrossEntropyLoss<S>() }),
        .init(name: "hinge", object: MultiClassHingeLoss<S>(margin: 1), pml: .init("MultiClassHingeLoss") { a in
            MultiClassHingeLoss<S>(margin: S(try a.double("margin", default: 1)))
        }),
        .init(name: "hinge/crammer-singer", object: MultiClassHingeLoss<S>(margin: 1, form: .crammerSinger)),
        .init(name: "hinge/squared", object: MultiClassHingeLoss<S>(margin: 0.5, form: .squared)),
        .init(name: "l-softmax/2", object: LargeMarginSoftmaxLoss<S>(margin: 2), pml: .init("LargeMarginSoftmaxLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return LargeMarginSoftmaxLoss<S>(margin: try a.int("margin", default: 4), scale: S(try a.double("scale", default: 1)))
        }),
        .init(name: "l-softmax/4/annealed", object: LargeMarginSoftmaxLoss<S>(margin: 4, scale: 2, lambda: 3)),
        .init(name: "a-softmax/3", object: AngularSoftmaxLoss<S>(margin: 3), pml: .init("SphereFaceLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return AngularSoftmaxLoss<S>(margin: try a.int("margin", default: 4), scale: S(try a.double("scale", default: 1)))
        }),
        .init(name: "a-softmax/4/annealed", object: AngularSoftmaxLoss<S>(margin: 4, scale: 1.5, lambda: 5)),
        .init(name: "combined", object: CombinedClassifierLoss<S>([(0.25, MultiClassHingeLoss<S>(margin: 1)), (0.65, LargeMarginSoftmaxLoss<S>(margin: 4)),
                                                                 (0.34, AngularSoftmaxLoss<S>(margin: 4))])),
        .init(name: "proxy-nca", object: ProxyNCALoss<S>(), pml: .init("ProxyNCALoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return ProxyNCALoss<S>(softmaxScale: S(try a.double("softmax_scale", default: 1)),
                                   distance: try distance(a, default: EuclideanDistance(squared: true)), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "proxy-anchor", object: ProxyAnchorLoss<S>(), pml: .init("ProxyAnchorLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return ProxyAnchorLoss<S>(margin: S(try a.double("margin", default: 0.1)), alpha: S(try a.double("alpha", default: 32)),
                                      distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: DivisorReducer()))
        }),
        .init(name: "soft-triple", object: SoftTripleLoss<S>(), pml: .init("SoftTripleLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return SoftTripleLoss<S>(centersPerClass: try a.int("centers_per_class", default: 10), scale: S(try a.double("la", default: 20)),
                                     gamma: S(try a.double("gamma", default: 0.1)), margin: S(try a.double("margin", default: 0.01)),
                                     distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "p2sgrad", object: P2SGradLoss<S>(), traits: .detachedFactors, pml: .init("P2SGradLoss") { a in
            _ = try (a.int("descriptors_dim", default: 0), a.int("num_classes", default: 0))
            return P2SGradLoss<S>()
        }),
        .init(name: "manifold", object: ManifoldLoss<S>(), pml: .init("ManifoldLoss") { a in
            _ = try (a.int("l", default: 0), a.int("K", default: 50))
            return ManifoldLoss<S>(contextWeight: S(try a.double("lambdaC", default: 1)), alpha: S(try a.double("alpha", default: 0.8)),
                                   margin: S(try a.double("margin", default: 5e-4)), distance: try distance(a, default: CosineSimilarity()))
        }),
    ] }

    package static func miners<S: TensorScalar>() -> [RegistryEntry<any Miner<S>>] { [
        .init(name: "batch-hard", object: BatchHardMiner<S>(), pml: .init("BatchHardMiner") { a in
            BatchHardMiner<S>(distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "batch-easy-hard", object: BatchEasyHardMiner<S>(), pml: .init("BatchEasyHardMiner") { a in
            func strategy(_ key: String, _ value: String) throws -> BatchEasyHardMiner<S>.Strategy {
                guard let s = BatchEasyHardMiner<S>.Strategy(rawValue: try a.string(key, default: value)) else { throw PMLUnsupported("BatchEasyHardMiner.\(key)") }
                return s
            }
            return BatchEasyHardMiner<S>(positiveStrategy: try strategy("pos_strategy", "easy"), negativeStrategy: try strategy("neg_strategy", "semihard"),
                                         distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "triplet-margin/all", object: TripletMarginMiner<S>(margin: 0.4, type: .all), pml: .init("TripletMarginMiner") { a in
            guard let type = TripletMarginMiner<S>.TripletType(rawValue: try a.string("type_of_triplets", default: "all")) else {
                throw PMLUnsupported("TripletMarginMiner.type_of_triplets")
            }
            return TripletMarginMiner<S>(margin: S(try a.double("margin", default: 0.2)), type: type, distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "triplet-margin/hard", object: TripletMarginMiner<S>(margin: 0.3, type: .hard)),
        .init(name: "triplet-margin/semihard", object: TripletMarginMiner<S>(margin: 0.3, type: .semihard)),
        .init(name: "triplet-margin/easy/cosine", object: TripletMarginMiner<S>(margin: 0.1, type: .easy, distance: CosineSimilarity())),
        .init(name: "multi-similarity", object: MultiSimilarityMiner<S>(), pml: .init("MultiSimilarityMiner") { a in
            MultiSimilarityMiner<S>(epsilon: S(try a.double("epsilon", default: 0.1)), distance: try distance(a, default: CosineSimilarity()))
        }),
        .init(name: "multi-similarity/euclidean", object: MultiSimilarityMiner<S>(epsilon: 0.2, distance: EuclideanDistance())),
        .init(name: "pair-margin", object: PairMarginMiner<S>(positiveMargin: 0.5, negativeMargin: 1.2), pml: .init("PairMarginMiner") { a in
            PairMarginMiner<S>(positiveMargin: S(try a.double("pos_margin", default: 0.2)), negativeMargin: S(try a.double("neg_margin", default: 0.8)),
                               distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "distance-weighted", object: DistanceWeightedMiner<S>(nonzeroLossCutoff: 2), traits: .sampling),
    ] }

    package static func distances<S: TensorScalar>() -> [RegistryEntry<any Distance<S>>] { [
        .init(name: "euclidean", object: EuclideanDistance<S>(), pml: .init("LpDistance") { a in
            guard try a.double("p", default: 2) == 2 else { throw PMLUnsupported("LpDistance with p other than 2") }
            let power = try a.double("power", default: 1)
            guard power == 1 || power == 2 else { throw PMLUnsupported("LpDistance with power \(power)") }
            return EuclideanDistance<S>(normalizesEmbeddings: try a.bool("normalize_embeddings", default: true), squared: power == 2)
        }),
        .init(name: "euclidean/plain", object: EuclideanDistance<S>(normalizesEmbeddings: false)),
        .init(name: "euclidean/squared", object: EuclideanDistance<S>(normalizesEmbeddings: false, squared: true)),
        .init(name: "cosine", object: CosineSimilarity<S>(), pml: .init("CosineSimilarity") { a in
            guard try a.bool("normalize_embeddings", default: true) else { throw PMLUnsupported("CosineSimilarity without normalisation") }
            return CosineSimilarity<S>()
        }),
        .init(name: "dot", object: DotProductSimilarity<S>(normalizesEmbeddings: false)),
        .init(name: "dot/normalized", object: DotProductSimilarity<S>(), pml: .init("DotProductSimilarity") { a in
            DotProductSimilarity<S>(normalizesEmbeddings: try a.bool("normalize_embeddings", default: true))
        }),
    ] }

    package static func reducers<S: TensorScalar>() -> [RegistryEntry<any Reducer<S>>] { [
        .init(name: "mean", object: MeanReducer<S>(), pml: .init("MeanReducer") { _ in MeanReducer<S>() }),
        .init(name: "mean-of-non-zero", object: MeanOfNonZeroReducer<S>(), pml: .init("AvgNonZeroReducer") { _ in MeanOfNonZeroReducer<S>() }),
        .init(name: "sum", object: SumReducer<S>(), pml: .init("SumReducer") { _ in SumReducer<S>() }),
        .init(name: "threshold", object: ThresholdReducer<S>(low: 0.1, high: 0.9), pml: .init("ThresholdReducer") { a in
            ThresholdReducer<S>(low: S(try a.double("low", default: -.infinity)), high: S(try a.double("high", default: .infinity)))
        }),
        .init(name: "class-weighted", object: ClassWeightedReducer<S>(weights: [0.5, 1.5, 2.5, 3.5]), pml: .init("ClassWeightedReducer") { a in
            guard let weights = try a.tensor("weights"), weights.rank == 1 else { throw PMLUnsupported("ClassWeightedReducer without a vector of weights") }
            return ClassWeightedReducer<S>(weights: weights.scalars.map { S($0) })
        }),
        .init(name: "divisor", object: DivisorReducer<S>(), pml: .init("DivisorReducer") { _ in DivisorReducer<S>() }),
        .init(name: "per-anchor", object: PerAnchorReducer<S>(), pml: .init("PerAnchorReducer") { a in
            PerAnchorReducer<S>(reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "per-anchor/sum-of-non-zero-means", object: PerAnchorReducer<S>(reducer: SumReducer(), aggregation: .meanOfNonZero)),
        .init(name: "multiple", object: MultipleReducers<S>(["loss": MeanOfNonZeroReducer(), "pos_loss": MeanReducer()], default: SumReducer()),
              pml: .init("MultipleReducers") { a in
            let named = try a.objects("reducers") ?? [:]
            return MultipleReducers<S>(try named.mapValues { try build($0, from: reducers(), kind: "reducer") },
                                       default: try a.object("default_reducer").map { try build($0, from: reducers(), kind: "reducer") } ?? MeanReducer())
        }),
        .init(name: "do-nothing", object: DoNothingReducer<S>(), pml: .init("DoNothingReducer") { _ in DoNothingReducer<S>() }),
    ] }

    /// The names of each registry, for `@Test(arguments:)`.
    package static let metricLossNames = metricLosses().map { (entry: RegistryEntry<any MetricLoss<Double>>) in entry.name }
    package static let classifierLossNames = classifierLosses().map { (entry: RegistryEntry<any ClassifierLoss<Double>>) in entry.name }
    package static let minerNames = miners().map { (entry: RegistryEntry<any Miner<Double>>) in entry.name }
    package static let distanceNames = distances().map { (entry: RegistryEntry<any Distance<Double>>) in entry.name }
    package static let reducerNames = reducers().map { (entry: RegistryEntry<any Reducer<Double>>) in entry.name }

    package static func metricLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any MetricLoss<S>> {
        metricLosses().first { $0.name == name }!
    }
    package static func classifierLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any ClassifierLoss<S>> {
        classifierLosses().first { $0.name == name }!
    }
    package static func miner<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Miner<S>> {
        miners().first { $0.name == name }!
    }
    package static func distance<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Distance<S>> {
        distances().first { $0.name == name }!
    }
    package static func reducer<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Reducer<S>> {
        reducers().first { $0.name == name }!
    }
}
