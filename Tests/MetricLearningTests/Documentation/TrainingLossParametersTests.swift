// The code of the article TrainingLossParameters (Sources/MetricLearning/MetricLearning.docc),
// compiled as a consumer writes it: plain imports, no @testable. Keep the two in step.
import Foundation
import MetricLearning
import Testing

@Suite("Documentation: training a loss's parameters")
struct TrainingLossParametersTests {
    struct Checkpoint: Codable {
        var model: Sequential<Float>
        var head: TrainableLoss<ArcFaceLoss<Float>>
    }

    @Test func theArticleRuns() throws {
        let batch = try Tensor<Float>.randomNormal(shape: [40, 64], seed: 3), labels = (0..<40).map { $0 % 10 }

        // The loss and its weights.
        var head = try TrainableLoss(ArcFaceLoss<Float>(), classCount: 10, embeddingSize: 32, seed: 0)
        #expect(head.weights.shape == [32, 10] && head.parameters == [head.weights])

        // One training step.
        var model = Sequential<Float>([
            try Linear(inputWidth: 64, outputWidth: 128, seed: 0), ReLU(),
            try Linear(inputWidth: 128, outputWidth: 32, seed: 1),
        ])
        var modelOptimizer = Adam<Float>(learningRate: 1e-3)
        var headOptimizer = Adam<Float>(learningRate: 1e-2)
        let (initialModel, initialHead) = (model.parameters, head.weights)

        let context = ForwardContext(isTraining: true)
        let (value, gradients) = try valueWithGradient(at: model.parameters + head.parameters) { p in
            let embeddings = model(Variable(batch), parameters: p.dropLast(), context: context)
            return try head(embeddings, parameters: p.suffix(1), labels: labels)
        }
        try modelOptimizer.update(&model.parameters, along: Array(gradients.dropLast()))
        try headOptimizer.update(&head.parameters, along: Array(gradients.suffix(1)))
        #expect(value.isFinite && value > 0 && gradients.count == 5)
        #expect(model.parameters != initialModel && head.weights != initialHead)

        // Embeddings from elsewhere.
        let embeddings = try model(batch)
        let result = try head.valueWithGradients(embeddings: embeddings, labels: labels)
        try headOptimizer.update(&head.parameters, along: result.parameterGradients)
        #expect(result.embeddingsGradient.shape == [40, 32])

        // A proxy loss.
        var proxies = try TrainableLoss(ProxyAnchorLoss<Float>(), classCount: 10, embeddingSize: 32, seed: 0)
        #expect(proxies.weights.shape == [10, 32])
        let initialProxies = proxies.weights
        let (proxyValue, proxyGradients) = try valueWithGradient(at: model.parameters + proxies.parameters) { p in
            let embeddings = model(Variable(batch), parameters: p.dropLast(), context: context)
            return try proxies(embeddings, parameters: p.suffix(1), labels: labels)
        }
        try modelOptimizer.update(&model.parameters, along: Array(proxyGradients.dropLast()))
        try headOptimizer.update(&proxies.parameters, along: Array(proxyGradients.suffix(1)))
        #expect(proxyValue.isFinite && proxyValue > 0 && proxies.weights != initialProxies)

        // Regularising the weights.
        let loss = ArcFaceLoss<Float>().regularized(by: CenterInvariantRegularizer(), weight: 0.3)
        let regularizedHead = try TrainableLoss(loss, classCount: 10, embeddingSize: 32, seed: 0)
        #expect(try regularizedHead.valueWithGradients(embeddings: embeddings, labels: labels).value > result.value - 1)

        // Saving model and loss together.
        let data = try JSONEncoder().encode(Checkpoint(model: model, head: head))
        let restored = try JSONDecoder().decode(Checkpoint.self, from: data)
        #expect(restored.model.parameters == model.parameters && restored.head.weights == head.weights)

        // Sub-centres and outliers.
        let subHead = try TrainableLoss(SubCenterArcFaceLoss<Float>(), classCount: 10, embeddingSize: 32, seed: 0)
        let found = try subHead.loss.outliers(embeddings: embeddings, labels: labels, weights: subHead.weights)
        #expect(found.indices.allSatisfy { (0..<40).contains($0) } && found.dominantCenters.shape == [32, 10])
    }
}
