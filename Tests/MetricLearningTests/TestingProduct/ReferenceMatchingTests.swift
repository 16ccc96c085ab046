import Testing
import MetricLearning
import MetricLearningTesting

/// `expectMatches` against reference cases, as a consumer's suite would run the library's
/// losses and miners over `losses_and_miners.json`.
@Suite("MetricLearningTesting: matching reference cases")
struct ReferenceMatchingTests {
    static let file = ProductFixtures.lossesAndMiners
    static let tripletEntries = file.entries.filter { entry in
        (try? entry.get())?.configuration?.string("loss") == "triplet_margin"
    }

    static func tripletLoss(_ config: KeywordArguments) -> TripletMarginLoss<Double> {
        let distance = EuclideanDistance<Double>(normalizesEmbeddings: config.bool("normalize_embeddings") ?? true,
                                                 squared: config.string("distance") == "squared_euclidean")
        return TripletMarginLoss(margin: config.double("margin") ?? 0.05, swap: config.bool("swap") ?? false,
                                 smooth: config.bool("smooth") ?? false, distance: distance)
    }

    @Test(arguments: tripletEntries)
    func tripletCasesMatch(_ entry: ReferenceFile.Entry) throws {
        let c = try entry.get()
        let loss = Self.tripletLoss(c.configuration!)
        let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels!, tuples: c.mined)
        let comparison = expectMatches(c, loss: value, gradients: ["embeddings": gradient])
        #expect(comparison.isMatch)
        #expect(comparison.quantities.map(\.name) == ["loss", "embeddings"])
    }

    @Test func classifierCaseMatchesWithWeightGradient() throws {
        let c = try Self.file.referenceCase(named: "large_margin_softmax_m4")
        let loss = LargeMarginSoftmaxLoss<Double>(margin: c.configuration!.int("margin")!, scale: c.configuration!.double("scale")!)
        let r = try loss.valueWithGradient(embeddings: c.embeddings, weights: c.weights!, labels: c.labels!)
        let comparison = expectMatches(c, loss: r.value, gradients: ["embeddings": r.embeddingsGradient, "weights": r.weightsGradient])
        #expect(comparison.isMatch && comparison.uncheckedGradients.isEmpty)
    }

    @Test func minedTuplesMatchAsSets() throws {
        let c = try Self.file.referenceCase(named: "triplet_semihard_mined")
        let m = c.minerConfiguration!
        let miner = TripletMarginMiner<Double>(margin: m.double("margin")!, type: .init(rawValue: m.string("type")!)!)
        let mined = try miner.mine(c.embeddings, labels: c.labels!)
        let (value, gradient) = try Self.tripletLoss(c.configuration!).valueWithGradient(
            embeddings: c.embeddings, labels: c.labels!, tuples: mined)
        let comparison = expectMatches(c, loss: value, gradients: ["embeddings": gradient], mined: mined)
        #expect(comparison.mined?.isMatch == true)

        // Order does not matter; a missing or an extra tuple does.
        guard case .triplets(let triplets) = mined else { return }
        let shuffled = MinedTuples.triplets(triplets.reversed())
        #expect(MinedTuplesComparison(actual: shuffled, expected: c.mined!).isMatch)
        let fewer = MinedTuplesComparison(actual: .triplets(Array(triplets.dropFirst())), expected: c.mined!)
        #expect(!fewer.isMatch && fewer.missing == .triplets([triplets[0]]) && fewer.unexpected.isEmpty)
        let repeated = MinedTuplesComparison(actual: .triplets(triplets + [triplets[0]]), expected: c.mined!)
        #expect(!repeated.isMatch && repeated.missing.isEmpty && repeated.unexpected.isEmpty)
        let wrongKind = MinedTuplesComparison(actual: .pairs(positive: [], negative: []), expected: c.mined!)
        #expect(!wrongKind.kindsMatch && !wrongKind.isMatch)
    }

    @Test func mismatchesAreRecordedOnePerQuantity() throws {
        let c = try Self.file.referenceCase(named: "triplet_default")
        let (value, gradient) = try TripletMarginLoss<Double>().valueWithGradient(embeddings: c.embeddings, labels: c.labels!)
        var scalars = gradient.scalars
        scalars[13] += 1e-4                                    // [2, 1]
        let wrongGradient = try Tensor(shape: gradient.shape, scalars: scalars)

        // Pure comparison first: which quantities fail and where.
        let comparison = c.compare(loss: value * 1.01, gradients: ["embeddings": wrongGradient, "embedings": gradient])
        #expect(!comparison.isMatch)
        #expect(comparison.mismatches.count == 3)
        #expect(comparison.quantities.first { $0.name == "embeddings" }?.report.worst?.index == [2, 1])
        #expect(comparison.unknownGradients == ["embedings"])

        withKnownIssue {
            expectMatches(c, loss: value * 1.01, gradients: ["embeddings": wrongGradient, "embedings": gradient])
        } matching: { issue in
            let text = issue.comments.map(\.rawValue).joined()
            return text.hasPrefix("triplet_default: ")
                && (text.contains("loss:") || text.contains("gradient of embeddings:") || text.contains("\"embedings\""))
        }
        // A gradient the test does not check is listed, not failed.
        let partial = c.compare(loss: value)
        #expect(partial.isMatch && partial.uncheckedGradients == ["embeddings"])
    }
}
