import MetricLearning

/// The losses and miners of `--loss` and `--miner`: one line per loss, with PML's defaults
/// unless the line says otherwise (names as `Scripts/pml_bench.py`'s cases where it has one).
enum LossFactory {
    static let losses: [DemoLoss] = [
        // Over labelled pairs, triplets and lists of the batch.
        .metric("triplet", TripletMarginLoss<Float>(margin: 0.2), miner: "semihard"),
        .metric("contrastive", ContrastiveLoss<Float>()),
        .metric("multisimilarity", MultiSimilarityLoss<Float>(), miner: "ms"),
        .metric("angular", AngularLoss<Float>()),
        .metric("margin", MarginLoss<Float>()),
        .metric("circle", CircleLoss<Float>()),
        .metric("ntxent", NTXentLoss<Float>()),
        .metric("supcon", SupConLoss<Float>()),
        .metric("npairs", NPairsLoss<Float>(), balanced: true),
        .metric("lifted", LiftedStructureLoss<Float>()),
        .metric("generalizedlifted", GeneralizedLiftedStructureLoss<Float>()),
        .metric("tupletmargin", TupletMarginLoss<Float>()),
        .metric("snrcontrastive", SignalToNoiseRatioContrastiveLoss<Float>()),
        .metric("intrapairvariance", IntraPairVarianceLoss<Float>()),
        // Where PML's default falls below raw pixels, a sensible setting beside it (the README's table says why).
        .metric("tupletmargin+intrapairvariance", CombinedMetricLoss<Float>([(1, TupletMarginLoss<Float>()), (0.5, IntraPairVarianceLoss<Float>())])),
        .metric("fastap", FastAPLoss<Float>(), balanced: true),
        .metric("histogram", HistogramLoss<Float>(), balanced: true),
        .metric("instance", InstanceLoss<Float>()),
        .metric("instance-classesfirst", ClassesFirstLoss(loss: InstanceLoss<Float>())),
        // PML has no defaults for margin and Tn: the paper's m = 0.4 and T_n = 10 (α = 1 + m/2 = 1.2, PML's default).
        .metric("rankedlist", RankedListLoss<Float>(margin: 0.4, negativeTemperature: 10), balanced: true),
        .running("dynamicsoftmargin", DynamicSoftMarginLoss<Float>()),
        .metric("tcm", ThresholdConsistentMarginLoss<Float>()),
        .metric("pnp", PNPLoss<Float>(), balanced: true),
        .metric("smoothap", SmoothAPLoss<Float>(), balanced: true),
        .metric("nca", NCALoss<Float>()),
        .metric("exponentialtriplet", UnitBallLoss(loss: ExponentialTripletLoss<Float>())),
        // With class weights or proxies of their own (one per digit class; ManifoldLoss's
        // meta-classes are the labels), stepped beside the model.
        .classifier("arcface", ArcFaceLoss<Float>()),
        .classifier("cosface", CosFaceLoss<Float>()),
        .classifier("subcenterarcface", SubCenterArcFaceLoss<Float>()),
        .classifier("normalizedsoftmax", NormalizedSoftmaxLoss<Float>()),
        .classifier("proxynca", ProxyNCALoss<Float>()),
        .classifier("proxyanchor", ProxyAnchorLoss<Float>()),
        .classifier("softtriple", SoftTripleLoss<Float>()),
        .classifier("p2sgrad", P2SGradLoss<Float>(), afterStep: { $0 = $0.map(P2SGradLoss.rescaled) }),
        .classifier("manifold", ManifoldLoss<Float>()),
        .classifier("manifold-margin0.1", ManifoldLoss<Float>(margin: 0.1)),
        .classifier("largemarginsoftmax", LargeMarginSoftmaxLoss<Float>()),
        .classifier("sphereface", AngularSoftmaxLoss<Float>()),
        // Self-supervised, on two augmented views of each digit (no labels).
        .views("ntxent-selfsupervised", SelfSupervisedLoss(NTXentLoss<Float>())),
        .views("vicreg", VICRegLoss<Float>()),
    ]

    /// The table's names, in its order.
    static var names: [String] { losses.map(\.name) }

    /// The row called `name`.
    /// - Throws: `DemoError` listing the names for an unknown one.
    static func loss(_ name: String) throws -> DemoLoss {
        guard let found = losses.first(where: { $0.name == name }) else {
            throw DemoError("unknown loss '\(name)'; choose from \(names.joined(separator: ", "))")
        }
        return found
    }

    static let miners = ["semihard", "hard", "all", "batchhard", "ms", "pairmargin", "distanceweighted", "batcheasyhard",
                         "angularminer", "hdc", "uniformhistogram", "none"]

    /// The miner called `name` (one of `miners`), with PML's defaults; nil for "none".
    static func miner(_ name: String) -> (any Miner<Float>)? {
        switch name {
        case "semihard": return TripletMarginMiner<Float>(margin: 0.2, type: .semihard)
        case "hard": return TripletMarginMiner<Float>(margin: 0.2, type: .hard)
        case "all": return TripletMarginMiner<Float>(margin: 0.2, type: .all)
        case "batchhard": return BatchHardMiner<Float>()
        case "ms": return MultiSimilarityMiner<Float>()
        case "pairmargin": return PairMarginMiner<Float>()
        case "distanceweighted": return DistanceWeightedMiner<Float>()
        case "batcheasyhard": return BatchEasyHardMiner<Float>()
        case "angularminer": return AngularMiner<Float>()
        case "hdc": return HDCMiner<Float>()
        case "uniformhistogram": return UniformHistogramMiner<Float>()
        default: return nil
        }
    }
}
