import MetricLearning
import MetricLearningTesting

/// Every loss, weight regularizer, miner, distance, reducer and embedding regularizer of the library, each enrolled once (with the
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
        .init(name: "triplet/regularized", object: TripletMarginLoss<S>(margin: 0.3).regularized(by: LpRegularizer(power: 2), weight: 0.1), traits: .regularized),
        // τ = 0.1 rather than PML's 0.01 so that more pairs lie inside the sigmoid's clamp; the fixtures check PML's defaults.
        .init(name: "pnp", object: PNPLoss<S>(temperature: 0.1), traits: .needsTriplets, pml: .init("PNPLoss") { a in
            let (b, alpha) = (S(try a.double("b", default: 2)), S(try a.double("alpha", default: 1)))
            let name = try a.string("variant", default: "O")
            guard let variant = PNPLoss<S>.Variant(pmlName: name, alpha: alpha, b: b) else { throw PMLUnsupported("PNPLoss.variant \(name)") }
            return PNPLoss<S>(variant: variant, temperature: S(try a.double("anneal", default: 0.01)), distance: try distance(a, default: CosineSimilarity()))
        }),
        .init(name: "pnp/ds", object: PNPLoss<S>(variant: .decreasingLogarithm, temperature: 0.1), traits: .needsTriplets),
        .init(name: "pnp/dq", object: PNPLoss<S>(variant: .decreasingPower(alpha: 2), temperature: 0.1), traits: .needsTriplets),
        .init(name: "pnp/iu", object: PNPLoss<S>(variant: .increasingUnbounded, temperature: 0.1), traits: .needsTriplets),
        .init(name: "pnp/ib", object: PNPLoss<S>(variant: .increasingBounded(b: 3), temperature: 0.1), traits: .needsTriplets),
        // Two bins: the loss jumps by h[b + 1]·x where a triplet's x crosses a bin edge, which
        // finite differences cannot follow; with two bins from −2 the only inner edge is x = 0.
        .init(name: "dynamic-soft-margin", object: DynamicSoftMarginLoss<S>(binCount: 2), traits: .needsTriplets, pml: .init("DynamicSoftMarginLoss") { a in
            DynamicSoftMarginLoss<S>(minimumValue: S(try a.double("min_val", default: -2)), binCount: try a.int("num_bins", default: 10),
                                     momentum: S(try a.double("momentum", default: 0.01)), distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "dynamic-soft-margin/running", object: { () -> DynamicSoftMarginLoss<S> in
            var loss = DynamicSoftMarginLoss<S>(binCount: 2, momentum: 0.25)
            loss.histogram = [0.7, 0.3]
            return loss
        }(), traits: .needsTriplets),
        .init(name: "threshold-consistent-margin", object: ThresholdConsistentMarginLoss<S>(positiveMargin: 0.6, negativeMargin: 0.1),
              pml: .init("ThresholdConsistentMarginLoss") { a in
            ThresholdConsistentMarginLoss<S>(positiveWeight: S(try a.double("lambda_plus", default: 1)), negativeWeight: S(try a.double("lambda_minus", default: 1)),
                                             positiveMargin: S(try a.double("margin_plus", default: 0.9)), negativeMargin: S(try a.double("margin_minus", default: 0.5)),
                                             distance: try distance(a, default: CosineSimilarity()))
        }),
        .init(name: "npairs", object: NPairsLoss<S>(), traits: .needsTriplets, pml: .init("NPairsLoss") { a in
            NPairsLoss<S>(distance: try distance(a, default: DotProductSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "npairs/euclidean", object: NPairsLoss<S>(distance: EuclideanDistance()), traits: .needsTriplets),
        .init(name: "nca", object: NCALoss<S>(softmaxScale: 2), traits: .needsTriplets, pml: .init("NCALoss") { a in
            NCALoss<S>(softmaxScale: S(try a.double("softmax_scale", default: 1)), distance: try distance(a, default: EuclideanDistance(squared: true)),
                       reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "nca/cosine", object: NCALoss<S>(softmaxScale: 4, distance: CosineSimilarity()), traits: .needsTriplets),
        .init(name: "fastap", object: FastAPLoss<S>(), traits: .needsTriplets, pml: .init("FastAPLoss") { a in
            FastAPLoss<S>(binCount: try a.int("num_bins", default: 10), distance: try distance(a, default: EuclideanDistance(squared: true)),
                          reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "fastap/plain-20", object: FastAPLoss<S>(binCount: 20, distance: EuclideanDistance()), traits: .needsTriplets),
        // One bin: the densities are linear in every similarity, so the loss has no plateau (with
        // more bins it is flat wherever no pair shares a bin, as on some of the suites' small batches).
        .init(name: "histogram", object: HistogramLoss<S>(binCount: 1), traits: .needsTriplets, pml: .init("HistogramLoss") { a in
            // PML takes n_bins or delta = 2/n_bins (asserting both agree when both are given).
            let delta = try a.double("delta", default: .nan)
            let bins = try a.int("n_bins", default: delta.isNaN ? 100 : Int((2 / delta).rounded()))
            guard delta.isNaN || (bins != 0 && 2 / Double(bins) == delta) else { throw PMLUnsupported("HistogramLoss with delta \(delta) other than 2/n_bins") }
            return HistogramLoss<S>(binCount: bins, distance: try distance(a, default: CosineSimilarity()))
        }),
        .init(name: "smooth-ap", object: SmoothAPLoss<S>(temperature: 0.1), traits: .balancedClasses, pml: .init("SmoothAPLoss") { a in
            SmoothAPLoss<S>(temperature: S(try a.double("temperature", default: 0.01)),
                            distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "ranked-list", object: RankedListLoss<S>(margin: 0.4, negativeTemperature: 1, imbalance: 0.3, positiveTemperature: 0.5),
              pml: .init("RankedListLoss") { a in
            let (margin, tn, alpha) = (try a.double("margin", default: .nan), try a.double("Tn", default: .nan), try a.double("alpha", default: .nan))
            guard !margin.isNaN && !tn.isNaN else { throw PMLUnsupported("RankedListLoss without margin and Tn (PML requires both)") }
            return RankedListLoss<S>(margin: S(margin), negativeTemperature: S(tn), imbalance: S(try a.double("imbalance", default: 0.5)),
                                     alpha: alpha.isNaN ? nil : S(alpha), positiveTemperature: S(try a.double("Tp", default: 0)),
                                     distance: try distance(a, default: EuclideanDistance()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "instance", object: InstanceLoss<S>(gamma: 16), traits: [.batchOnly, .noTuples], pml: .init("InstanceLoss") { a in
            InstanceLoss<S>(gamma: S(try a.double("gamma", default: 64)),
                            distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "lifted-structure", object: LiftedStructureLoss<S>(negativeMargin: 1.2, positiveMargin: 0.1), traits: .needsTriplets,
              pml: .init("LiftedStructureLoss") { a in
            LiftedStructureLoss<S>(negativeMargin: S(try a.double("neg_margin", default: 1)), positiveMargin: S(try a.double("pos_margin", default: 0)),
                                   distance: try distance(a, default: EuclideanDistance()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "lifted-structure/cosine", object: LiftedStructureLoss<S>(negativeMargin: 0.2, positiveMargin: 0.8, distance: CosineSimilarity()),
              traits: .needsTriplets),
        .init(name: "generalized-lifted-structure", object: GeneralizedLiftedStructureLoss<S>(negativeMargin: 1.2, positiveMargin: 0.1),
              pml: .init("GeneralizedLiftedStructureLoss") { a in
            GeneralizedLiftedStructureLoss<S>(negativeMargin: S(try a.double("neg_margin", default: 1)), positiveMargin: S(try a.double("pos_margin", default: 0)),
                                              distance: try distance(a, default: EuclideanDistance()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "generalized-lifted-structure/cosine-nonzero", object: GeneralizedLiftedStructureLoss<S>(
            negativeMargin: 0.3, positiveMargin: 0.7, distance: CosineSimilarity(), reducer: MeanOfNonZeroReducer())),
        .init(name: "tuplet-margin", object: TupletMarginLoss<S>(marginDegrees: 10, scale: 8), traits: .needsTriplets, pml: .init("TupletMarginLoss") { a in
            TupletMarginLoss<S>(marginDegrees: S(try a.double("margin", default: 5.73)), scale: S(try a.double("scale", default: 64)),
                                distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "snr-contrastive", object: SignalToNoiseRatioContrastiveLoss<S>(positiveMargin: 0.1, negativeMargin: 0.8),
              pml: .init("SignalToNoiseRatioContrastiveLoss") { a in
            SignalToNoiseRatioContrastiveLoss<S>(positiveMargin: S(try a.double("pos_margin", default: 0)), negativeMargin: S(try a.double("neg_margin", default: 1)),
                                                 distance: try distance(a, default: SNRDistance()), reducer: try reducer(a, default: MeanOfNonZeroReducer()))
        }),
        .init(name: "snr-contrastive/squared-euclidean",
              object: SignalToNoiseRatioContrastiveLoss<S>(positiveMargin: 0.1, negativeMargin: 0.8, distance: EuclideanDistance(squared: true))),
        .init(name: "intra-pair-variance", object: IntraPairVarianceLoss<S>(positiveEpsilon: 0.05, negativeEpsilon: 0.1), pml: .init("IntraPairVarianceLoss") { a in
            IntraPairVarianceLoss<S>(positiveEpsilon: S(try a.double("pos_eps", default: 0.01)), negativeEpsilon: S(try a.double("neg_eps", default: 0.01)),
                                     distance: try distance(a, default: CosineSimilarity()), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "intra-pair-variance/euclidean", object: IntraPairVarianceLoss<S>(distance: EuclideanDistance())),
        .init(name: "vicreg", object: VICRegLoss<S>(), traits: [.pairedViews, .noTuples], pml: .init("VICRegLoss") { a in
            VICRegLoss<S>(invarianceWeight: S(try a.double("invariance_lambda", default: 25)), varianceWeight: S(try a.double("variance_mu", default: 25)),
                          covarianceWeight: S(try a.double("covariance_v", default: 1)), epsilon: S(try a.double("eps", default: 1e-4)),
                          reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "vicreg/weighted-sum", object: VICRegLoss<S>(invarianceWeight: 2, varianceWeight: 3, covarianceWeight: 0.5, epsilon: 1e-2, reducer: SumReducer()),
              traits: [.pairedViews, .noTuples]),
        .init(name: "self-supervised", object: SelfSupervisedLoss(NTXentLoss<S>(temperature: 0.2)), traits: [.pairedViews, .noTuples],
              pml: .init("SelfSupervisedLoss") { a in
            guard let inner = try a.object("loss") else { throw PMLUnsupported("SelfSupervisedLoss without its loss") }
            let loss: any MetricLoss<S> = try metricLoss(pml: inner)
            return selfSupervised(loss, symmetric: try a.bool("symmetric", default: true))
        }),
        .init(name: "self-supervised/triplet-asymmetric", object: SelfSupervisedLoss(TripletMarginLoss<S>(margin: 1), symmetric: false),
              traits: [.pairedViews, .noTuples]),
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
        .init(name: "arcface", object: ArcFaceLoss<S>(), pml: .init("ArcFaceLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return ArcFaceLoss<S>(margin: S(try a.double("margin", default: 28.6)), scale: S(try a.double("scale", default: 64)))
        }),
        .init(name: "cosface", object: CosFaceLoss<S>(), pml: .init("CosFaceLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return CosFaceLoss<S>(margin: S(try a.double("margin", default: 0.35)), scale: S(try a.double("scale", default: 64)))
        }),
        .init(name: "subcenter-arcface", object: SubCenterArcFaceLoss<S>(), pml: .init("SubCenterArcFaceLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return SubCenterArcFaceLoss<S>(margin: S(try a.double("margin", default: 28.6)), scale: S(try a.double("scale", default: 64)),
                                           subCenters: try a.int("sub_centers", default: 3))
        }),
        .init(name: "normalized-softmax", object: NormalizedSoftmaxLoss<S>(), pml: .init("NormalizedSoftmaxLoss") { a in
            _ = try (a.int("num_classes", default: 0), a.int("embedding_size", default: 0))
            return NormalizedSoftmaxLoss<S>(temperature: S(try a.double("temperature", default: 0.05)))
        }),
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
        .init(name: "regularized/center-invariant", object: ArcFaceLoss<S>().regularized(by: CenterInvariantRegularizer(), weight: 0.3)),
        .init(name: "regularized/regular-face", object: NormalizedSoftmaxLoss<S>().regularized(by: RegularFaceRegularizer(), weight: 0.5)),
    ] }

    package static func weightRegularizers<S: TensorScalar>() -> [RegistryEntry<any WeightRegularizer<S>>] { [
        .init(name: "center-invariant", object: CenterInvariantRegularizer<S>(), pml: .init("CenterInvariantRegularizer") { _ in CenterInvariantRegularizer<S>() }),
        .init(name: "regular-face", object: RegularFaceRegularizer<S>(), pml: .init("RegularFaceRegularizer") { _ in RegularFaceRegularizer<S>() }),
        // Rows of the suites' class vectors: 6 = 2 classes of 3 centres.
        .init(name: "sparse-centers", object: SparseCentersRegularizer<S>(classCount: 2, centersPerClass: 3), pml: .init("SparseCentersRegularizer") { a in
            SparseCentersRegularizer<S>(classCount: try a.int("num_classes", default: 0), centersPerClass: try a.int("centers_per_class", default: 0))
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
        .init(name: "angular", object: AngularMiner<S>(), pml: .init("AngularMiner") { a in
            // PML asserts LpDistance(p=2, power=1, normalize_embeddings=True), its default.
            guard let d = try distance(a, default: EuclideanDistance<S>()) as? EuclideanDistance<S>, d.normalizesEmbeddings, !d.squared else {
                throw PMLUnsupported("AngularMiner with a distance other than LpDistance()")
            }
            return AngularMiner<S>(angleDegrees: S(try a.double("angle", default: 20)))
        }),
        .init(name: "hdc", object: HDCMiner<S>(), pml: .init("HDCMiner") { a in
            HDCMiner<S>(filterPercentage: try a.double("filter_percentage", default: 0.5), distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "hdc/cosine", object: HDCMiner<S>(filterPercentage: 0.3, distance: CosineSimilarity())),
        .init(name: "uniform-histogram", object: UniformHistogramMiner<S>(binCount: 8, positivesPerBin: 3, negativesPerBin: 2), traits: .sampling,
              pml: .init("UniformHistogramMiner") { a in
            UniformHistogramMiner<S>(binCount: try a.int("num_bins", default: 100), positivesPerBin: try a.int("pos_per_bin", default: 10),
                                     negativesPerBin: try a.int("neg_per_bin", default: 10), distance: try distance(a, default: EuclideanDistance()))
        }),
        .init(name: "packaged-triplets", object: PackagedTripletsMiner<S>(), traits: .readsLayout,
              pml: .init("EmbeddingsAlreadyPackagedAsTriplets") { _ in PackagedTripletsMiner<S>() }),
    ] }

    package static func distances<S: TensorScalar>() -> [RegistryEntry<any Distance<S>>] { [
        .init(name: "euclidean", object: EuclideanDistance<S>()),
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
        // PML's LpDistance is EuclideanDistance (the fast type) where it computes that.
        .init(name: "lp", object: LpDistance<S>(p: 1), pml: .init("LpDistance") { a in
            let (p, power) = (S(try a.double("p", default: 2)), S(try a.double("power", default: 1)))
            let normalizes = try a.bool("normalize_embeddings", default: true)
            return p == 2 && (power == 1 || power == 2) ? EuclideanDistance<S>(normalizesEmbeddings: normalizes, squared: power == 2)
                : LpDistance<S>(p: p, power: power, normalizesEmbeddings: normalizes)
        }),
        .init(name: "lp/3/root/plain", object: LpDistance<S>(p: 3, power: 0.5, normalizesEmbeddings: false)),
        .init(name: "snr", object: SNRDistance<S>(), pml: .init("SNRDistance") { a in
            SNRDistance<S>(normalizesEmbeddings: try a.bool("normalize_embeddings", default: true))
        }),
        .init(name: "batched", object: BatchedDistance<S>(SNRDistance(), batchSize: 3)),
    ] }

    package static func embeddingRegularizers<S: TensorScalar>() -> [RegistryEntry<any EmbeddingRegularizer<S>>] { [
        .init(name: "lp", object: LpRegularizer<S>(), pml: .init("LpRegularizer") { a in
            LpRegularizer<S>(p: S(try a.double("p", default: 2)), power: S(try a.double("power", default: 1)), reducer: try reducer(a, default: MeanReducer()))
        }),
        .init(name: "lp/1/squared/sum", object: LpRegularizer<S>(p: 1, power: 2, reducer: SumReducer())),
        .init(name: "zero-mean", object: ZeroMeanRegularizer<S>(), pml: .init("ZeroMeanRegularizer") { a in
            ZeroMeanRegularizer<S>(reducer: try reducer(a, default: MeanReducer()))
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
    package static let weightRegularizerNames = weightRegularizers().map { (entry: RegistryEntry<any WeightRegularizer<Double>>) in entry.name }
    package static let minerNames = miners().map { (entry: RegistryEntry<any Miner<Double>>) in entry.name }
    package static let distanceNames = distances().map { (entry: RegistryEntry<any Distance<Double>>) in entry.name }
    package static let reducerNames = reducers().map { (entry: RegistryEntry<any Reducer<Double>>) in entry.name }
    package static let embeddingRegularizerNames = embeddingRegularizers().map { (entry: RegistryEntry<any EmbeddingRegularizer<Double>>) in entry.name }

    package static func metricLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any MetricLoss<S>> { named(name, in: metricLosses()) }
    package static func classifierLoss<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any ClassifierLoss<S>> { named(name, in: classifierLosses()) }
    package static func weightRegularizer<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any WeightRegularizer<S>> { named(name, in: weightRegularizers()) }
    package static func miner<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Miner<S>> { named(name, in: miners()) }
    package static func distance<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Distance<S>> { named(name, in: distances()) }
    package static func reducer<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any Reducer<S>> { named(name, in: reducers()) }
    package static func embeddingRegularizer<S: TensorScalar>(_ name: String, as _: S.Type = Double.self) -> RegistryEntry<any EmbeddingRegularizer<S>> { named(name, in: embeddingRegularizers()) }

    /// The entry called `name` (a test's typo traps: the names are the registry's own).
    static func named<Object>(_ name: String, in entries: [RegistryEntry<Object>]) -> RegistryEntry<Object> {
        entries.first { $0.name == name }!
    }
}
