import Foundation
import Testing
import MetricLearning
import MetricLearningTesting

/// The testing product decodes every bundled reference file, case by case, with the
/// shapes the generators wrote; a malformed case fails on its own.
@Suite("MetricLearningTesting: reference files")
struct ReferenceFileDecodingTests {
    @Test func lossesAndMinersDecodesAll25Cases() throws {
        let file = ProductFixtures.lossesAndMiners
        #expect(file.entries.count == 25)
        #expect(file.failures.isEmpty, "\(file.failures)")
        #expect(file.cases.count == 25)
        #expect(file.seed == 1)
        #expect(file.generator?.hasPrefix("pytorch-metric-learning") == true)
        for c in file.cases {
            #expect(c.embeddings.shape == [16, 6], "\(c.name)")
            #expect(c.embeddingsGradient.shape == [16, 6], "\(c.name)")
            #expect(c.labels?.count == 16, "\(c.name)")
            #expect(c.configuration?.string("loss") != nil, "\(c.name)")
            #expect(c.pml == nil && c.parameters.isEmpty, "\(c.name)")
            #expect(c.loss.isFinite, "\(c.name)")
            // Cases with class weights carry their gradient too, [D, C].
            #expect((c.weights == nil) == (c.weightsGradient == nil), "\(c.name)")
            if let w = c.weights { #expect(w.shape == [6, 4] && c.weightsGradient?.shape == [6, 4], "\(c.name)") }
            #expect((c.minerConfiguration == nil) == (c.mined == nil), "\(c.name)")
        }
        #expect(file.cases.filter { $0.weights != nil }.count == 7)
        #expect(file.cases.filter { $0.mined != nil }.count == 5)
    }

    @Test func lossesAndMinersConfigurationReadsAsTyped() throws {
        let file = ProductFixtures.lossesAndMiners
        let swap = try file.referenceCase(named: "triplet_margin02_swap")
        let config = try #require(swap.configuration)
        #expect(config.string("loss") == "triplet_margin")
        #expect(config.double("margin") == 0.2)
        #expect(config.bool("swap") == true)
        #expect(config.bool("smooth") == false)
        #expect(config.int("margin") == nil)             // 0.2 is not an integer
        #expect(config.double("no_such_key") == nil)
        #expect(config.value("swap") == .bool(true))

        let lsm = try file.referenceCase(named: "large_margin_softmax_m3")
        #expect(lsm.configuration?.int("margin") == 3)

        let semihard = try file.referenceCase(named: "triplet_semihard_mined")
        #expect(semihard.minerConfiguration?.string("type") == "semihard")
        guard case .triplets(let triplets)? = semihard.mined else {
            Issue.record("semi-hard case should hold triplets")
            return
        }
        #expect(triplets.count == 114)
        #expect(triplets.first == IndexTriplet(anchor: 0, positive: 7, negative: 5))

        let ms = try file.referenceCase(named: "multi_similarity_mined")
        guard case .pairs(let positive, let negative)? = ms.mined else {
            Issue.record("multi-similarity case should hold pairs")
            return
        }
        #expect(positive.count == 54 && negative.count == 165)
        #expect(positive.first == IndexPair(anchor: 0, other: 7))
    }

    @Test func cataloguePairsDecodesAll56CasesWithTheirShapes() throws {
        let file = ProductFixtures.cataloguePairs
        #expect(file.entries.count == 56)
        #expect(file.failures.isEmpty, "\(file.failures)")
        #expect((file.batchSize, file.embeddingSize, file.classCount) == (16, 6, 4))
        for c in file.cases {
            let pml = try #require(c.pml, "\(c.name)")
            #expect(!pml.loss.className.isEmpty)
            #expect(c.embeddings.shape == [16, 6], "\(c.name)")
            #expect(c.embeddingsGradient.shape == [16, 6], "\(c.name)")
            #expect((c.references == nil) == (c.referencesGradient == nil), "\(c.name)")
            if let r = c.references { #expect(r.shape == [16, 6], "\(c.name)") }
            if let l = c.referenceLabels { #expect(l.count == 16 && c.references != nil, "\(c.name)") }
            #expect((pml.miner == nil) == (c.mined == nil), "\(c.name)")
        }
        // The self-supervised cases have no labels; their references are the second view.
        let vicreg = try file.referenceCase(named: "vicreg_default")
        #expect(vicreg.labels == nil && vicreg.references?.shape == [16, 6] && vicreg.referenceLabels == nil)
        #expect(file.cases.filter { $0.labels == nil }.map(\.name).sorted()
                == ["self_supervised_ntxent", "self_supervised_triplet_asymmetric", "vicreg_default"])
        #expect(file.cases.filter { $0.referenceLabels != nil }.count == 3)
        #expect(file.cases.filter { $0.mined != nil }.count == 8)
        #expect(file.cases.filter { $0.notes != nil }.count == 6)
    }

    @Test func catalogueNestedObjectsReadAsTyped() throws {
        let file = ProductFixtures.cataloguePairs
        let lp1 = try file.referenceCase(named: "contrastive_lp1").pml!.loss
        #expect(lp1.className == "ContrastiveLoss")
        #expect(lp1.double("neg_margin") == 4)
        let distance = try #require(lp1.object("distance"))
        #expect(distance.className == "LpDistance")
        #expect(distance.int("p") == 1)
        #expect(distance.bool("normalize_embeddings") == false)
        #expect(lp1.double("pos_margin") == nil)         // left out: PML's default applies

        let weighted = try file.referenceCase(named: "triplet_class_weighted").pml!.loss
        let reducer = try #require(weighted.object("reducer"))
        #expect(reducer.className == "ClassWeightedReducer")
        #expect(reducer.tensor("weights")?.scalars == [0.5, 1.5, 2.5, 3.5])

        let multiple = try file.referenceCase(named: "contrastive_multiple_reducers").pml!.loss.object("reducer")!
        #expect(multiple.kwargs.objects("reducers")?["pos_loss"]?.className == "MeanReducer")
        #expect(multiple.object("default_reducer")?.className == "SumReducer")

        let wrapped = try file.referenceCase(named: "self_supervised_triplet_asymmetric").pml!.loss
        #expect(wrapped.object("loss")?.double("margin") == 0.2)
        #expect(wrapped.bool("symmetric") == false)

        let pnp = try file.referenceCase(named: "pnp_ds").pml!.loss
        #expect(pnp.string("variant") == "Ds")

        let easyHard = try file.referenceCase(named: "triplet_batch_easy_hard")
        #expect(easyHard.pml?.miner?.className == "BatchEasyHardMiner")
        guard case .pairs(let p, let n)? = easyHard.mined else {
            Issue.record("BatchEasyHardMiner returns pairs")
            return
        }
        #expect(p.count == 16 && n.count == 16)
    }

    @Test func catalogueProxiesDecodesAll15CasesWithTheirParameters() throws {
        let file = ProductFixtures.catalogueProxies
        #expect(file.entries.count == 15)
        #expect(file.failures.isEmpty, "\(file.failures)")
        for c in file.cases {
            #expect(c.embeddings.shape == [16, 6], "\(c.name)")
            #expect(c.embeddingsGradient.shape == [16, 6], "\(c.name)")
            #expect(c.parameters.count == 1, "\(c.name)")
            for p in c.parameters {
                #expect(p.value.shape == p.shape && p.gradient.shape == p.shape, "\(c.name) \(p.name)")
                #expect(c.expectedGradients[p.name] == p.gradient)
            }
        }
        let shapes = Dictionary(uniqueKeysWithValues: file.cases.map { c in (c.name, c.parameters[0].shape) })
        #expect(shapes["arcface_default"] == [6, 4])              // W: [embeddingSize, classes]
        #expect(shapes["proxy_anchor_default"] == [4, 6])         // proxies: [classes, embeddingSize]
        #expect(shapes["soft_triple_default"] == [6, 40])         // fc: [embeddingSize, classes·centers]
        #expect(shapes["subcenter_arcface_default"] == [6, 12])
        let arcface = try file.referenceCase(named: "arcface_center_invariant")
        #expect(arcface.parameter(named: "W") != nil)
        #expect(arcface.pml?.loss.int("num_classes") == 4)
        #expect(arcface.pml?.loss.double("weight_reg_weight") == 0.3)
        #expect(arcface.pml?.loss.object("weight_regularizer")?.className == "CenterInvariantRegularizer")
        #expect(arcface.pml?.loss.object("weight_regularizer")?.kwargs.isEmpty == true)
        let manifold = try file.referenceCase(named: "manifold_default")
        #expect(manifold.labels == nil)
        #expect(manifold.metaClasses?.count == 16)
        #expect(manifold.pml?.loss.int("K") == 4)
    }

    @Test func anUnknownNameIsAnErrorOfItsOwn() {
        #expect(throws: ReferenceCaseError.self) { try ProductFixtures.lossesAndMiners.referenceCase(named: "no_such_case") }
    }
}
