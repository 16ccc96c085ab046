import Testing
import MetricLearning
import MetricLearningRegistry
@testable import TensorCore

/// Every loss after every miner: the mine-and-reduce capability (`callAsFunction(_:minedBy:)`,
/// fused where the loss has a path for the miner's rule) equals mining and then reducing, in
/// value and in the gradients of embeddings and references.
@Suite("Fused path equals mine-then-reduce")
struct FusedPathTests {
    static let x: Tensor<Double> = randomMatrix(18, 5, seed: 61)
    static let labels = (0..<18).map { ($0 * 5) % 4 }
    static let references: Tensor<Double> = randomMatrix(13, 5, seed: 62)
    static let referenceLabels = (0..<13).map { $0 % 5 }

    @Test(arguments: Registry.metricLossNames) func fusedEqualsListed(name: String) throws {
        let entry = Registry.metricLoss(name), loss = entry.object
        let scale = entry.traits.contains(.unitBall) ? 0.3 : 1.0
        let (x, references, labels) = (Self.x * scale, Self.references * scale, entry.traits.labels(Self.labels))
        for minerEntry in Registry.miners() as [RegistryEntry<any Miner<Double>>] {
            let miner = minerEntry.object
            guard !entry.traits.contains(.noTuples) else {
                #expect(throws: MetricLearningError.self, "\(name) takes no tuples") { try loss.valueWithGradient(embeddings: x, labels: labels, minedBy: miner) }
                continue
            }
            let (fused, fusedGradient) = try valueWithGradient(at: x) { try loss($0, labels: labels, minedBy: miner) }
            let (listed, listedGradient) = try valueWithGradient(at: x) {
                try loss($0, labels: labels, tuples: miner.mine(x, labels: labels))
            }
            expectClose([fused], [listed], atol: 1e-12, rtol: 1e-10, "\(name) after \(minerEntry.name)")
            expectClose(fusedGradient.scalars, listedGradient.scalars, atol: 1e-12, rtol: 1e-10, "\(name) after \(minerEntry.name)")
            // Packaged triplets index references that hold the batch's rows; these 13 do not.
            if minerEntry.traits.contains(.readsLayout) { continue }
            if entry.traits.contains(.batchOnly) { continue }

            let (against, againstGradients) = try valueWithGradient(at: [x, references]) { v in
                try loss(BatchInputs(embeddings: v[0], labels: labels, references: v[1], referenceLabels: Self.referenceLabels), minedBy: miner)
            }
            let tuples = try miner.mine(x, labels: labels, references: references, referenceLabels: Self.referenceLabels)
            let r = try loss.valueWithGradients(embeddings: x, labels: labels, references: references,
                                                referenceLabels: Self.referenceLabels, tuples: tuples)
            let what = "\(name) after \(minerEntry.name) against references"
            expectClose([against], [r.value], atol: 1e-12, rtol: 1e-10, what)
            expectClose(againstGradients[0].scalars, r.embeddingsGradient.scalars, atol: 1e-12, rtol: 1e-10, what)
            expectClose(againstGradients[1].scalars, r.referencesGradient.scalars, atol: 1e-12, rtol: 1e-10, what)
        }
    }
}
