import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// The mined cases of the PML reference file give exactly the expected tuples (as sets),
/// and the loss after mining matches value and gradient.
@Suite("Reference miners (PML 2.9, float64)")
struct ReferenceMinerTests {
    static let minedCases = ReferenceFixture.cases.filter { $0.miner != nil }.map(\.name)

    static func miner(for c: ReferenceCase) -> any Miner<Double> {
        let m = c.miner!
        func number(_ key: String) -> Double { (m[key] as! Double) }
        switch m["miner"] as! String {
        case "triplet_margin":
            return TripletMarginMiner(margin: number("margin"), type: .init(rawValue: m["type"] as! String)!)
        case "batch_hard":
            return BatchHardMiner()
        case "multi_similarity":
            return MultiSimilarityMiner(epsilon: number("epsilon"))
        case "pair_margin":
            return PairMarginMiner(positiveMargin: number("pos_margin"), negativeMargin: number("neg_margin"))
        default:
            fatalError("no miner for \(m)")
        }
    }

    @Test(arguments: minedCases) func minedTuplesMatchAsSets(name: String) throws {
        let c = ReferenceFixture.named(name)
        let mined = try Self.miner(for: c).mine(c.embeddings, labels: c.labels)
        switch (mined, c.mined!) {
        case (.triplets(let got), .triplets(let expected)):
            #expect(Set(got) == Set(expected))
            #expect(got.count == expected.count)
        case (.pairs(let gp, let gn), .pairs(let ep, let en)):
            #expect(Set(gp) == Set(ep))
            #expect(Set(gn) == Set(en))
            #expect(gp.count == ep.count && gn.count == en.count)
        default:
            Issue.record("\(name): mined \(mined.count) tuples of the wrong kind")
        }
        #expect(!mined.isEmpty)
    }

    @Test(arguments: minedCases) func lossAfterMiningMatches(name: String) throws {
        let c = ReferenceFixture.named(name)
        let mined = try Self.miner(for: c).mine(c.embeddings, labels: c.labels)
        let loss = ReferenceLossTests.metricLoss(for: c)
        let (value, gradient) = try loss.valueWithGradient(embeddings: c.embeddings, labels: c.labels, tuples: mined)
        expectClose([value], [c.loss], "\(name) value")
        expectClose(gradient.scalars, c.gradEmbeddings, "\(name) gradient")
    }
}
