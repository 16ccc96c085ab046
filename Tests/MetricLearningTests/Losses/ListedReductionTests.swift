import Testing
import MetricLearning
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// Long triplet lists (`ListedTripletReduction`) and every pair or long pair lists
/// (`ListedPairReduction`) are reduced straight from the distance matrix; they must give what
/// the general path gives for the same tuples.
@Suite("Losses reduced straight from the matrix")
struct ListedReductionTests {
    /// Sums its terms through the general path (no fused reduction knows it).
    struct PlainSum: Reducer {
        typealias Scalar = Double
        func reduce(_ terms: Variable<Double>) -> Variable<Double> { terms.sum() }
    }

    static let x: Tensor<Double> = randomMatrix(10, 5, seed: 41)
    static let labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]

    /// Pairs of losses that differ only in how they reduce: listed (fused reducer) and general.
    static func pairs(smooth: Bool, distance: any Distance<Double>) -> [(String, TripletMarginLoss<Double>, TripletMarginLoss<Double>)] {
        func loss(_ reducer: any Reducer<Double>) -> TripletMarginLoss<Double> {
            TripletMarginLoss(margin: 0.3, smooth: smooth, distance: distance, reducer: reducer)
        }
        return [
            ("mean of non-zero", loss(MeanOfNonZeroReducer()), loss(ThresholdReducer(low: 0))),
            ("mean", loss(MeanReducer()), loss(ThresholdReducer())),
            ("sum", loss(SumReducer()), loss(PlainSum())),
        ]
    }

    @Test(arguments: [false, true]) func listedEqualsGeneralPath(smooth: Bool) throws {
        let tuples = try TripletMarginMiner<Double>(margin: 0.5, type: .all).mine(Self.x, labels: Self.labels)
        #expect(tuples.count * 2 * 4 >= 100, "the list must be long enough for the listed path")
        for distance in [EuclideanDistance<Double>() as any Distance<Double>, CosineSimilarity<Double>(),
                         EuclideanDistance<Double>(normalizesEmbeddings: false, squared: true)] {
            for (name, listed, general) in Self.pairs(smooth: smooth, distance: distance) {
                let a = try listed.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: tuples)
                let b = try general.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: tuples)
                #expect(a.value > 0, "\(name): a loss that tests something")
                expectClose([a.value], [b.value], atol: 1e-12, rtol: 1e-12, "\(name) \(type(of: distance)) value")
                expectClose(a.gradient.scalars, b.gradient.scalars, atol: 1e-12, rtol: 1e-10, "\(name) \(type(of: distance)) gradient")
            }
        }
    }

    @Test func listedAgainstReferencesEqualsGeneralPath() throws {
        let anchors: Tensor<Double> = randomMatrix(4, 5, seed: 42)
        let anchorLabels = [0, 1, 2, 0]
        let tuples = try TripletMarginMiner<Double>(margin: 0.5, type: .all)
            .mine(BatchInputs(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels))
        let (listed, general) = (TripletMarginLoss<Double>(margin: 0.3), TripletMarginLoss<Double>(margin: 0.3, reducer: ThresholdReducer(low: 0)))
        let a = try listed.valueWithGradients(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels, tuples: tuples)
        let b = try general.valueWithGradients(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels, tuples: tuples)
        expectClose([a.value], [b.value], atol: 1e-12, rtol: 1e-12, "value")
        expectClose(a.embeddingsGradient.scalars, b.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, "anchors' gradient")
        expectClose(a.referencesGradient.scalars, b.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, "references' gradient")
    }

    /// Contrastive pairs: listed or all, against the general path (reducers it cannot fuse).
    @Test func contrastiveFromTheMatrixEqualsGeneralPath() throws {
        let pairLists: [MinedTuples?] = [nil, try PairMarginMiner<Double>(positiveMargin: 0, negativeMargin: 2).mine(Self.x, labels: Self.labels)]
        for tuples in pairLists {
            if let tuples { #expect(tuples.count * 4 >= 100, "the list must be long enough for the matrix path") }
            for distance in [EuclideanDistance<Double>() as any Distance<Double>, CosineSimilarity<Double>(),
                             EuclideanDistance<Double>(normalizesEmbeddings: false, squared: true)] {
                let margins: (Double, Double) = distance.isSimilarity ? (0.8, 0.1) : (0.3, 1.2)
                func loss(_ reducer: any Reducer<Double>) -> ContrastiveLoss<Double> {
                    ContrastiveLoss(positiveMargin: margins.0, negativeMargin: margins.1, distance: distance, reducer: reducer)
                }
                for (name, fused, general) in [("mean of non-zero", loss(MeanOfNonZeroReducer()), loss(ThresholdReducer(low: 0))),
                                               ("mean", loss(MeanReducer()), loss(ThresholdReducer())),
                                               ("sum", loss(SumReducer()), loss(PlainSum()))] {
                    let a = try fused.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: tuples)
                    let b = try general.valueWithGradient(embeddings: Self.x, labels: Self.labels, tuples: tuples)
                    let what = "\(name), \(type(of: distance)), \(tuples == nil ? "all pairs" : "listed")"
                    #expect(a.value > 0, "\(what): a loss that tests something")
                    expectClose([a.value], [b.value], atol: 1e-12, rtol: 1e-12, "\(what) value")
                    expectClose(a.gradient.scalars, b.gradient.scalars, atol: 1e-12, rtol: 1e-10, "\(what) gradient")
                }
            }
        }
        // Against references, all pairs, gradients for both.
        let anchors: Tensor<Double> = randomMatrix(4, 5, seed: 43)
        let fused = try ContrastiveLoss<Double>(positiveMargin: 0.3, negativeMargin: 1.2)
            .valueWithGradients(embeddings: anchors, labels: [0, 1, 2, 0], references: Self.x, referenceLabels: Self.labels)
        let general = try ContrastiveLoss<Double>(positiveMargin: 0.3, negativeMargin: 1.2, reducer: ThresholdReducer(low: 0))
            .valueWithGradients(embeddings: anchors, labels: [0, 1, 2, 0], references: Self.x, referenceLabels: Self.labels)
        expectClose([fused.value], [general.value], atol: 1e-12, rtol: 1e-12, "references value")
        expectClose(fused.embeddingsGradient.scalars, general.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, "anchors' gradient")
        expectClose(fused.referencesGradient.scalars, general.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, "references' gradient")
    }

    @Test func listedGradientMatchesFiniteDifferences() throws {
        let tuples = try TripletMarginMiner<Double>(margin: 0.5, type: .all).mine(Self.x, labels: Self.labels)
        try expectGradientsMatch([Self.x]) { v in try TripletMarginLoss<Double>(margin: 0.3)(v[0], labels: Self.labels, tuples: tuples) }
        try expectGradientsMatch([Self.x]) { v in try ContrastiveLoss<Double>(positiveMargin: 0.3, negativeMargin: 1.2)(v[0], labels: Self.labels) }
    }
}
