import MetricLearning

/// Accuracy under attack of a cross-entropy classifier against the metric-learned kNN
/// classifier, the comparison of the robustness study.
enum AttackComparison {
    static func run(options: DemoOptions, training: LabeledDataset<Float>, test: LabeledDataset<Float>,
                    metricModel: EmbeddingModel,
                    metricLoss: (Variable<Float>, [Int]) throws -> Variable<Float>) throws -> [String: Any] {
        let classes = Set(training.labels).count
        let method = AdversarialAttack<Float>.Method(rawValue: options.attack!)!
        let epsilon = Float(options.epsilon)
        let range: ClosedRange<Float>? = options.dataPath == nil ? 0...1 : nil
        let attack = AdversarialAttack(method: method, epsilon: epsilon, iterations: 10, inputRange: range, seed: options.seed)

        // A cross-entropy classifier of the same size: MLP features, then class weights.
        var classifier = try EmbeddingModel(inputWidth: training.features.shape[1], outputWidth: options.embeddingSize, seed: options.seed &+ 7)
        var groups = [ParameterGroup(
            parameters: classifier.network.parameters + [try Tensor<Float>.randomNormal(shape: [options.embeddingSize, classes], standardDeviation: 0.1, seed: options.seed &+ 8)],
            optimizer: TrainingLoop.optimizer(options.optimizer, learningRate: options.learningRate))]
        let crossEntropy = SoftmaxCrossEntropyLoss<Float>()
        let count = classifier.network.parameters.count
        try TrainingLoop.run(groups: &groups, data: training, epochs: options.epochs, batchSize: options.batchSize,
                             seed: options.seed &+ 9, loss: { p, batch in
            try crossEntropy(classifier(Variable(batch.features), parameters: p[0..<count]), weights: p[count], labels: batch.labels)
        }, progress: { _, _, _ in })
        let parameters = groups[0].parameters
        classifier.network.parameters = Array(parameters[0..<count])
        let weights = parameters[count]
        let trained = classifier
        func logits(_ x: Variable<Float>) -> Variable<Float> {
            matmul(trained.evaluated(x, parameters: trained.network.parameters.map { Variable($0) }[...]), Variable(weights))
        }
        let cleanClassifier = Classification.accuracy(Classification.argmax(logits(Variable(test.features)).value), test.labels)
        let adversarialInputs = try attack.perturb(test.features) { x in
            try crossEntropy(trained.evaluated(x, parameters: trained.network.parameters.map { Variable($0) }[...]), weights: Variable(weights), labels: test.labels)
        }
        let attackedClassifier = Classification.accuracy(Classification.argmax(logits(Variable(adversarialInputs)).value), test.labels)

        // The metric model: kNN (k = 5) on normalised embeddings against clean training references.
        let references = try metricModel.embed(training.features).normalizedRows()
        func knn(_ inputs: Tensor<Float>) throws -> Double {
            try Classification.knnAccuracy(queries: metricModel.embed(inputs).normalizedRows(), labels: test.labels,
                                           references: references, referenceLabels: training.labels, k: 5)
        }
        let metricParameters = metricModel.network.parameters.map { Variable($0) }
        let adversarialMetric = try attack.perturb(test.features) { x in
            try metricLoss(metricModel.evaluated(x, parameters: metricParameters[...]), test.labels)
        }
        let cleanMetric = try knn(test.features), attackedMetric = try knn(adversarialMetric)
        print("")
        print("accuracy under \(method.rawValue.uppercased()) attack, ε = \(options.epsilon)")
        print("classifier".padding(toLength: 34, withPad: " ", startingAt: 0) + "clean".leftPadded(10) + "attacked".leftPadded(10))
        print("cross-entropy MLP".padding(toLength: 34, withPad: " ", startingAt: 0)
              + String(format: "%10.4f%10.4f", cleanClassifier, attackedClassifier))
        print("metric-learned kNN (k = 5)".padding(toLength: 34, withPad: " ", startingAt: 0)
              + String(format: "%10.4f%10.4f", cleanMetric, attackedMetric))
        return ["method": method.rawValue, "epsilon": options.epsilon,
                "cross_entropy": ["clean": cleanClassifier, "attacked": attackedClassifier],
                "metric_knn": ["clean": cleanMetric, "attacked": attackedMetric]]
    }
}
