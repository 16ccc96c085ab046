import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore
@testable import MetricLosses
@testable import MetricTraining
@testable import MetricEvaluation

/// A pullback that captured a variable would make the tape hold itself, and every training
/// step would leak its tape and tensors. After `valueWithGradient` returns, nothing may keep
/// the tape alive.
@Suite("Tape lifetime")
struct TapeLifetimeTests {
    /// Runs `body` on a fresh tape and reports whether that tape outlived the call.
    static func tapeOutlives(_ inputs: [Tensor<Double>], _ body: ([Variable<Double>]) throws -> Variable<Double>) throws -> Bool {
        weak var tape: Tape<Double>?
        _ = try valueWithGradient(at: inputs) { v in
            tape = v[0].tape
            return try body(v)
        }
        return tape != nil
    }

    @Test func everyLossReleasesItsTape() throws {
        let x: Tensor<Double> = randomMatrix(10, 5, seed: 51)
        let references: Tensor<Double> = randomMatrix(7, 5, seed: 52)
        let labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], referenceLabels = [0, 1, 2, 0, 1, 2, 3]
        for entry in Registry.metricLosses() as [RegistryEntry<any MetricLoss<Double>>] {
            let (name, loss, entryLabels) = (entry.name, entry.object, entry.traits.labels(labels))
            #expect(try !Self.tapeOutlives([x]) { try loss($0[0], labels: entryLabels) }, "\(name)")
            if !entry.traits.contains(.batchOnly) {
                // A second view of the batch has its rows.
                let (refs, refLabels) = entry.traits.contains(.pairedViews) ? (x * 0.5, labels) : (references, referenceLabels)
                #expect(try !Self.tapeOutlives([x, refs]) {
                    try loss($0[0], labels: entryLabels, references: $0[1], referenceLabels: refLabels)
                }, "\(name) against references")
            }
            if !entry.traits.contains(.noTuples) {
                let tuples = try TripletMarginMiner<Double>(margin: 0.5, type: .all).mine(x, labels: entryLabels)
                #expect(try !Self.tapeOutlives([x]) { try loss($0[0], labels: entryLabels, tuples: tuples) }, "\(name) with mined triplets")
            }
        }
        #expect(try !Self.tapeOutlives([x]) {
            try TripletMarginLoss<Double>()($0[0], labels: labels, minedBy: TripletMarginMiner(type: .semihard))
        }, "fused triplet")
        #expect(try !Self.tapeOutlives([x]) {
            try MultiSimilarityLoss<Double>()($0[0], labels: labels, minedBy: MultiSimilarityMiner())
        }, "fused multi-similarity")
        var model = Sequential<Double>([try Linear(inputWidth: 5, outputWidth: 6, seed: 1), try BatchNorm(width: 6), ReLU(),
                                        Dropout(probability: 0.2), Tanh(), try Linear(inputWidth: 6, outputWidth: 4, seed: 2)])
        #expect(try !Self.tapeOutlives([x] + model.parameters) { v in
            try TripletMarginLoss<Double>()(model(v[0], parameters: v.dropFirst(), context: ForwardContext(isTraining: true)), labels: labels)
        }, "a model's forward pass and a loss")
        for entry in Registry.classifierLosses() as [RegistryEntry<any ClassifierLoss<Double>>] {
            let (name, loss) = (entry.name, entry.object)
            let weights = try loss.initialWeights(classCount: 3, embeddingSize: 5, seed: 53)
            #expect(try !Self.tapeOutlives([x, weights]) { try loss($0[0], weights: $0[1], labels: labels) }, "\(name)")
        }
    }
}
