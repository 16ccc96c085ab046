import Testing
@testable import MetricLearning

/// A long triplet list takes one pass over the list (`ListedTripletReduction`); it must give
/// what the general path gives for the same triplets.
@Suite("Triplet loss over a long list")
struct ListedTripletTests {
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
            .mine(MiningInputs(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels))
        let (listed, general) = (TripletMarginLoss<Double>(margin: 0.3), TripletMarginLoss<Double>(margin: 0.3, reducer: ThresholdReducer(low: 0)))
        let a = try listed.valueWithGradients(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels, tuples: tuples)
        let b = try general.valueWithGradients(embeddings: anchors, labels: anchorLabels, references: Self.x, referenceLabels: Self.labels, tuples: tuples)
        expectClose([a.value], [b.value], atol: 1e-12, rtol: 1e-12, "value")
        expectClose(a.embeddingsGradient.scalars, b.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, "anchors' gradient")
        expectClose(a.referencesGradient.scalars, b.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, "references' gradient")
    }

    @Test func listedGradientMatchesFiniteDifferences() throws {
        let tuples = try TripletMarginMiner<Double>(margin: 0.5, type: .all).mine(Self.x, labels: Self.labels)
        try expectGradientsMatch([Self.x]) { v in try TripletMarginLoss<Double>(margin: 0.3)(v[0], labels: Self.labels, tuples: tuples) }
    }
}
