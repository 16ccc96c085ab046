import MetricLearning

/// The combination study's classifier: hinge 0.25 + L-Softmax 0.65 + A-Softmax 0.34 over one
/// weight matrix, on the demo's MLP embedding.
enum CombinedClassifier {
    static func run(options: DemoOptions, training: LabeledDataset<Float>, test: LabeledDataset<Float>) throws -> [String: Any] {
        let classes = Set(training.labels).count
        let loss = CombinedClassifierLoss<Float>([
            (weight: 0.25, loss: MultiClassHingeLoss(margin: 1)),
            (weight: 0.65, loss: LargeMarginSoftmaxLoss(margin: 4)),
            (weight: 0.34, loss: AngularSoftmaxLoss(margin: 4)),
        ])
        var model = try EmbeddingModel(inputWidth: training.features.shape[1], outputWidth: options.embeddingSize, seed: options.seed &+ 11)
        let count = model.network.parameters.count
        var groups = [ParameterGroup(
            parameters: model.network.parameters + [try Tensor<Float>.randomNormal(shape: [options.embeddingSize, classes], standardDeviation: 0.1, seed: options.seed &+ 12)],
            optimizer: TrainingLoop.optimizer(options.optimizer, learningRate: options.learningRate))]
        let start = Clock.now
        try TrainingLoop.run(groups: &groups, data: training, epochs: options.epochs, batchSize: options.batchSize,
                             seed: options.seed &+ 13, loss: { p, batch in
            try loss(model(Variable(batch.features), parameters: p[0..<count]), weights: p[count], labels: batch.labels)
        }, progress: { _, _, _ in })
        let seconds = Clock.seconds(since: start)
        let parameters = groups[0].parameters
        model.network.parameters = Array(parameters[0..<count])
        let embeddings = try model.embed(test.features)
        let accuracy = Classification.accuracy(Classification.argmax(try matmul(embeddings, parameters[count])), test.labels)
        let retrieval = try RetrievalMetrics().report(queries: embeddings.normalizedRows(), queryLabels: test.labels)
        print("")
        print("combined classifier (hinge 0.25 + L-Softmax 0.65 + A-Softmax 0.34): accuracy "
              + String(format: "%.4f", accuracy) + ", MAP@R " + String(format: "%.4f", retrieval.meanAveragePrecisionAtR)
              + ", trained in " + String(format: "%.2f", seconds) + " s")
        var fields = ReportWriter.fields(retrieval)
        fields["accuracy"] = accuracy
        fields["training_seconds"] = seconds
        return fields
    }
}
