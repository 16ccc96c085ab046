import Testing
import MetricLearning
import MetricLearningRegistry
import MetricLearningTesting
@testable import TensorCore
@testable import MetricLosses

/// What the registry suites and the PML cases do not check of `HistogramLoss`,
/// `SmoothAPLoss`, `RankedListLoss` and `InstanceLoss`: their own bad input, the batches
/// Smooth-AP refuses, that it reads classes from the labels in any order, its miner weights,
/// Histogram's pair conversion and PML builder, and extreme temperatures.
@Suite("Histogram, Smooth-AP, ranked-list and instance losses")
struct HistogramAPRankedInstanceTests {
    static let x: Tensor<Double> = randomMatrix(12, 5, seed: 91)
    static let labels = (0..<12).map { $0 % 3 }

    @Test func badHyperparametersThrow() {
        let cases: [(String, any MetricLoss<Double>)] = [
            ("binCount = 0", HistogramLoss(binCount: 0)),
            ("temperature = 0.0", SmoothAPLoss(temperature: 0)),
            ("temperature = nan", SmoothAPLoss(temperature: .nan)),
            ("distance", SmoothAPLoss(distance: EuclideanDistance())),
            ("imbalance = 1.5", RankedListLoss(margin: 0.4, negativeTemperature: 10, imbalance: 1.5)),
            ("margin = nan", RankedListLoss(margin: .nan, negativeTemperature: 10)),
            ("positiveTemperature = inf", RankedListLoss(margin: 0.4, negativeTemperature: 10, positiveTemperature: .infinity)),
            ("gamma = -1.0", InstanceLoss(gamma: -1)),
            ("distance", InstanceLoss(distance: EuclideanDistance())),
        ]
        for (message, loss) in cases {
            DegenerateAndBadInputTests.expectError(.invalidParameter, mentioning: message) {
                _ = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
            }
        }
    }

    @Test func smoothAPRefusesUnequalClassCounts() {
        DegenerateAndBadInputTests.expectError(.invalidLabels, mentioning: "[0: 5, 1: 4, 2: 3]") {
            _ = try SmoothAPLoss<Double>().valueWithGradient(embeddings: Self.x, labels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2])
        }
        #expect(throws: MetricLearningError.self) {
            try SmoothAPLoss<Float>().valueWithGradient(embeddings: randomMatrix(3, 4, seed: 1), labels: [7, 7, 8])
        }
    }

    /// The classes come from the labels: shuffling the rows (and their labels) shuffles the
    /// gradient and keeps the value.
    @Test func smoothAPReadsClassesFromLabelsInAnyOrder() throws {
        let loss = SmoothAPLoss<Double>(temperature: 0.05)
        let (value, gradient) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels)
        let order = [7, 2, 11, 0, 5, 9, 1, 10, 3, 8, 6, 4]
        let shuffled = try Self.x.gatheringRows(order)
        let (other, otherGradient) = try loss.valueWithGradient(embeddings: shuffled, labels: order.map { Self.labels[$0] })
        expectClose([other], [value], atol: 1e-14, rtol: 1e-12)
        expectClose(otherGradient.scalars, try gradient.gatheringRows(order).scalars, atol: 1e-14, rtol: 1e-10)
    }

    /// PML's `convert_to_weights`: appearances over the most frequent; other rows weigh 0.
    @Test func smoothAPMinerWeights() throws {
        let triplets = MinedTuples.triplets([IndexTriplet(anchor: 0, positive: 3, negative: 1), IndexTriplet(anchor: 0, positive: 3, negative: 2)])
        #expect(SmoothAPLoss<Double>.minerWeights(triplets, count: 5, selfOffset: 0) == [1, 0.5, 0.5, 1, 0])
        // Against separate references only the anchors are batch rows.
        #expect(SmoothAPLoss<Double>.minerWeights(triplets, count: 5, selfOffset: nil) == [1, 0, 0, 0, 0])
        let loss = SmoothAPLoss<Double>(temperature: 0.05)
        let all = try loss.value(embeddings: Self.x, labels: Self.labels)
        let weighted = try loss.value(embeddings: Self.x, labels: Self.labels, tuples: triplets)
        #expect(weighted > 0 && weighted < all)
    }

    /// PML's `convert_to_triplets`: pairs count where their anchor has a pair of the other kind.
    @Test func histogramPairsAreThoseOfTheirTriplets() throws {
        let loss = HistogramLoss<Double>(binCount: 8)
        let pairs = try PairMarginMiner<Double>(positiveMargin: 0.1, negativeMargin: 1.6).mine(Self.x, labels: Self.labels)
        let triplets = MinedTuples.triplets(pairs.asTriplets())
        #expect(!triplets.isEmpty)
        let (a, ga) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: pairs)
        let (b, gb) = try loss.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: triplets)
        expectClose([a], [b], atol: 1e-15, rtol: 1e-13)
        expectClose(ga.scalars, gb.scalars, atol: 1e-15, rtol: 1e-12)
    }

    /// Duplicate rows have similarity 1, which PML's histogram cannot index: the last bin here.
    @Test func histogramOfDuplicatesIsFinite() throws {
        let rows = try Tensor<Double>(shape: [4, 2], scalars: [1, 0, 1, 0, 0, 1, 0, 1])
        let (value, gradient) = try HistogramLoss<Double>().valueWithGradient(embeddings: rows, labels: [0, 0, 1, 1])
        #expect(value == 0 && gradient.isFinite)
        let (same, _) = try HistogramLoss<Double>().valueWithGradient(embeddings: rows, labels: [0, 1, 0, 1])
        #expect(Swift.abs(same - 1) < 1e-12)
    }

    @Test func histogramBuilderReadsNBinsOrDelta() throws {
        func build(_ kwargs: [String: JSONValue]) throws -> HistogramLoss<Double>? {
            let loss: any MetricLoss<Double> = try Registry.metricLoss(pml: PMLObject(className: "HistogramLoss", kwargs: KeywordArguments(kwargs)))
            return loss as? HistogramLoss<Double>
        }
        #expect(try build([:])?.binCount == 100)
        #expect(try build(["delta": 0.2])?.binCount == 10)
        #expect(try build(["n_bins": 4, "delta": 0.5])?.binCount == 4)
        #expect(throws: PMLUnsupported.self) { try build(["delta": 0.3]) }
        #expect(throws: PMLUnsupported.self) { try build(["n_bins": 4, "delta": 0.2]) }
    }

    /// Temperatures far past PML's warning (5) stay finite: each side's weights are shifted.
    @Test func rankedListWithLargeTemperaturesIsFinite() throws {
        let xf: Tensor<Float> = randomMatrix(12, 5, seed: 91, scale: 100)
        for t: Float in [50, 1e4, 1e30] {
            let loss = RankedListLoss<Float>(margin: 0.4, negativeTemperature: t, positiveTemperature: t,
                                             distance: EuclideanDistance(normalizesEmbeddings: false))
            let (value, gradient) = try loss.valueWithGradient(embeddings: xf, labels: Self.labels)
            #expect(value.isFinite && value > 0 && gradient.isFinite, "T = \(t)")
        }
    }
}
