import Foundation
import MetricLearning

/// metric-learning: trains an embedding on the UCI digits and measures it as the field does.
func runDemo(_ options: DemoOptions) throws {
    let data = try DigitsData.load(path: options.dataPath)
    let (training, test) = try data.split(trainingFraction: 0.8, seed: options.seed)
    let minerName = options.effectiveMiner
    print("data: \(training.count) training and \(test.count) test samples of width \(data.features.shape[1]), \(Set(data.labels).count) classes")
    print("model: MLP \(data.features.shape[1])→128→\(options.embeddingSize), \(options.optimizer) lr \(options.learningRate), batch \(options.batchSize), \(options.epochs) epochs, \(options.loss) loss, miner \(minerName), seed \(options.seed)")

    let metrics = RetrievalMetrics(clusteringSeed: options.seed)
    let raw = try metrics.report(queries: test.features, queryLabels: test.labels)
    var model = try EmbeddingModel(inputWidth: data.features.shape[1], outputWidth: options.embeddingSize, seed: options.seed)
    let before = try model.embed(test.features)

    let entry = try LossFactory.loss(options.loss)
    var objective = try entry.build((data.labels.max() ?? 0) + 1, options.embeddingSize, options.seed &+ 5)
    let miner = LossFactory.miner(minerName)
    let count = model.network.parameters.count
    var groups = [ParameterGroup(parameters: model.network.parameters, optimizer: TrainingLoop.optimizer(options.optimizer, learningRate: options.learningRate))]
    if !objective.parameters.isEmpty {
        groups.append(ParameterGroup(parameters: objective.parameters, optimizer: TrainingLoop.optimizer(options.optimizer, learningRate: options.lossLearningRate),
                                     afterStep: objective.afterStep))
        print("loss parameters: \(objective.parameters.map { "\($0.shape)" }.joined(separator: ", ")), \(options.optimizer) lr \(options.lossLearningRate)")
    }
    let itemsPerClass = try options.itemsPerClass(balanced: entry.balancedBatches, classes: Set(training.labels).count)
    let sampler = try itemsPerClass.map {
        try MPerClassSampler(labels: training.labels, itemsPerClass: $0, batchSize: options.batchSize,
                             lengthBeforeNewIteration: max(training.count, options.batchSize), seed: options.seed &+ 100)
    }
    if let itemsPerClass { print("batches: \(itemsPerClass) rows of each of \(options.batchSize / itemsPerClass) classes (m per class)") }
    var augmenter = ViewAugmenter(width: data.features.shape[1], images: options.dataPath == nil, noise: options.viewNoise, seed: options.seed &+ 200)
    let start = Clock.now
    try TrainingLoop.run(groups: &groups, data: training, epochs: options.epochs, batchSize: options.batchSize,
                         sampler: sampler, seed: options.seed, loss: { p, batch in
        switch objective.step {
        case .labelled(let loss):
            return try loss(model(Variable(batch.features), parameters: p[0..<count]), p[count...], batch.labels, miner)
        case .views(let loss):
            let (first, second) = try augmenter.views(of: batch.features)
            return try loss(model(Variable(first), parameters: p[0..<count]), model(Variable(second), parameters: p[0..<count]))
        }
    }, progress: { epoch, meanLoss, seconds in
        print("epoch \(String(epoch).leftPadded(3))/\(options.epochs)  loss " + String(format: "%.5f", meanLoss)
              + "  " + String(format: "%.3f s", seconds))
    })
    let trainingSeconds = Clock.seconds(since: start)
    model.network.parameters = groups[0].parameters
    objective.parameters = groups.count > 1 ? groups[1].parameters : []
    let after = try model.embed(test.features)
    let learned = try metrics.report(queries: after.normalizedRows(), queryLabels: test.labels)

    print("")
    print(ReportWriter.table(raw: raw, learned: learned, learnedName: "\(options.loss) + \(minerName)"))
    print("training: " + String(format: "%.2f s", trainingSeconds))

    var report = ReportWriter.fields(learned)
    report["training_seconds"] = trainingSeconds
    report["raw_pixels"] = ReportWriter.fields(raw)
    var setup: [String: Any] = ["loss": options.loss, "loss_family": entry.family.rawValue, "miner": minerName, "epochs": options.epochs,
                                "batch_size": options.batchSize, "embedding_size": options.embeddingSize, "learning_rate": options.learningRate,
                                "optimizer": options.optimizer, "seed": Int(options.seed), "batches": itemsPerClass == nil ? "shuffled" : "m-per-class"]
    setup["items_per_class"] = itemsPerClass
    if !objective.parameters.isEmpty { setup["loss_learning_rate"] = options.lossLearningRate }
    if entry.family == .selfSupervised { setup["views"] = ["shift_pixels": augmenter.side == nil ? 0 : 1, "noise": augmenter.noise] }
    report["setup"] = setup
    if options.attack != nil, case .labelled(let loss) = objective.step {
        let parameters = objective.parameters.map { Variable($0) }
        report["attack"] = try AttackComparison.run(options: options, training: training, test: test, metricModel: model,
                                                    metricLoss: { try loss($0, parameters[...], $1, nil) })
    }
    if options.combined {
        report["combined_classifier"] = try CombinedClassifier.run(options: options, training: training, test: test)
    }
    let directory = URL(fileURLWithPath: options.output, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ReportWriter.write(report, to: directory.appendingPathComponent("report.json"))
        let svg = EmbeddingPlot.svg(before: try before.normalizedRows(), after: try after.normalizedRows(), labels: test.labels,
                                    title: "Test embeddings by class: \(options.loss) + \(minerName), MAP@R " + String(format: "%.3f", learned.meanAveragePrecisionAtR))
        try svg.write(to: directory.appendingPathComponent("embeddings.svg"), atomically: true, encoding: .utf8)
    } catch {
        throw DemoError("cannot write to '\(options.output)': \(error.localizedDescription)")
    }
    print("wrote \(options.output)/report.json and \(options.output)/embeddings.svg")
}

do {
    let options = try DemoOptions.parse(Array(CommandLine.arguments.dropFirst()))
    if options.showHelp {
        print(DemoOptions.help)
    } else {
        try runDemo(options)
    }
} catch {
    FileHandle.standardError.write(Data("metric-learning: \(error)\n".utf8))
    exit(1)
}
