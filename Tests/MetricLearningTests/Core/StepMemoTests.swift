import Testing
import MetricLearning
@testable import TensorCore

/// `StepMemo`: inside one mine-and-reduce call a matrix is checked and normalised once, and a
/// result is only ever found for the very storage it came from.
@Suite("One call's memo of checks and normalisations")
struct StepMemoTests {
    static let x: Tensor<Float> = randomMatrix(6, 5, seed: 81)

    /// The storage buffer of a tensor, to tell a result found from one computed again.
    static func buffer(_ t: Tensor<Float>) -> UnsafeRawPointer? {
        t.storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aBoundMemoNormalisesOneStorageOnce() throws {
        let (first, again, copy) = try StepMemo.remembering {
            let tracked = Variable(Self.x)
            // The miner's untracked view and the loss's tracked variable share one storage.
            let first = tracked.withoutDerivative.normalizedRows().value
            let again = tracked.normalizedRows().value
            // Equal values in another buffer are another storage: computed, not looked up.
            let copy = Variable(try Tensor(shape: Self.x.shape, scalars: Self.x.scalars.map { $0 })).normalizedRows().value
            return (first, again, copy)
        }
        #expect(Self.buffer(first) == Self.buffer(again))
        #expect(Self.buffer(copy) != Self.buffer(first))
        #expect(copy.scalars.map(\.bitPattern) == first.scalars.map(\.bitPattern))
        // Unbound, every call computes.
        let (a, b) = (Variable(Self.x).normalizedRows().value, Variable(Self.x).normalizedRows().value)
        #expect(Self.buffer(a) != Self.buffer(b))
        #expect(a.scalars.map(\.bitPattern) == first.scalars.map(\.bitPattern))
    }

    /// Rows the call normalised are known to need no rescaling for distances (no scan for
    /// their largest entry); rows that do (entries near the root of the largest `Float`) are
    /// still scanned and found to.
    @Test func normalisedRowsAreKnownToNeedNoRescaling() {
        let huge = Self.x * 1e30
        let outside = EuclideanRescale.exponent(huge, huge)
        StepMemo.remembering {
            let y = Variable(huge).normalizedRows().value
            var scanned = false
            let known: Int? = StepMemo.result(.rescaleExponent, of: y.storage) {
                scanned = true
                return 99
            }
            #expect(!scanned && known == nil && EuclideanRescale.exponent(y, y) == nil)
            #expect(outside != nil && EuclideanRescale.exponent(huge, huge) == outside)
        }
    }

    /// Normalised rows come with their row norms, bitwise those `rowNorms()` computes; the
    /// same scalars read as rows of another width get their own norms.
    @Test func normalisedRowsComeWithTheirNorms() throws {
        let (y, norms, wider) = try StepMemo.remembering {
            let y = Variable(Self.x).normalizedRows().value
            return (y, try y.rowNorms(), try Tensor(shape: [3, 10], scalars: y.scalars).rowNorms())
        }
        let computed = try Tensor(shape: y.shape, scalars: y.scalars.map { $0 }).rowNorms()
        #expect(norms.scalars.map(\.bitPattern) == computed.scalars.map(\.bitPattern))
        #expect(norms.scalars.count == 6 && norms.scalars.allSatisfy { abs($0 - 1) < 1e-6 })
        #expect(wider.scalars.count == 3 && wider.scalars.allSatisfy { abs($0 - Float(2).squareRoot()) < 1e-5 })
    }

    @Test func aRememberedCheckStillThrowsForABadBatch() throws {
        var scalars = Self.x.scalars
        scalars[7] = .nan
        let bad = try Tensor(shape: Self.x.shape, scalars: scalars)
        let labels = [0, 0, 1, 1, 2, 2]
        try StepMemo.remembering {
            try BatchValidation.check(Self.x, labels: labels)
            try BatchValidation.check(Self.x, labels: labels)
            for _ in 0..<2 {
                #expect(throws: MetricLearningError.self) { try BatchValidation.check(bad, labels: labels) }
            }
        }
    }

    /// Every mine-and-reduce entry binds a memo; a batch with a NaN still fails its check.
    @Test func aBadBatchFailsEveryMineAndReducePath() throws {
        var scalars = Self.x.scalars
        scalars[3] = .nan
        let bad = try Tensor(shape: Self.x.shape, scalars: scalars), labels = [0, 0, 1, 1, 2, 2]
        let paths: [(any MetricLoss<Float>, any Miner<Float>)] = [
            (ContrastiveLoss(), PairMarginMiner()),
            (TripletMarginLoss(), TripletMarginMiner()),
            (TripletMarginLoss(), BatchHardMiner()),
            (MultiSimilarityLoss(), MultiSimilarityMiner()),
        ]
        for (loss, miner) in paths {
            do {
                _ = try loss.valueWithGradient(embeddings: bad, labels: labels, minedBy: miner)
                Issue.record("\(loss) after \(miner) took a NaN")
            } catch let error as MetricLearningError {
                #expect(error.kind == .nonFiniteInput, "\(error)")
            }
        }
    }

    /// The gradient through a normalisation looked up is the one computed.
    @Test func aGradientThroughALookedUpNormalisationIsTheSame() throws {
        let loss = ContrastiveLoss<Float>()
        let labels = [0, 0, 1, 1, 2, 2]
        let miner = PairMarginMiner<Float>(positiveMargin: 0, negativeMargin: 2)
        let fused = try loss.valueWithGradient(embeddings: Self.x, labels: labels, minedBy: miner)
        let listed = try loss.valueWithGradient(embeddings: Self.x, labels: labels, tuples: miner.mine(Self.x, labels: labels))
        #expect(fused.value.bitPattern == listed.value.bitPattern)
        #expect(fused.gradient.scalars.map(\.bitPattern) == listed.gradient.scalars.map(\.bitPattern))
    }
}
