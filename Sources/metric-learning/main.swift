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

    let loss = LossFactory.loss(options.loss)
    let step = LossFactory.step(loss: loss, miner: LossFactory.miner(minerName))
    var parameters = model.network.parameters
    var optimizer = TrainingLoop.optimizer(options.optimizer, learningRate: options.learningRate)
    let start = Clock.now
    try TrainingLoop.run(parameters: &parameters, data: training, epochs: options.epochs, batchSize: options.batchSize,
                         optimizer: &optimizer, seed: options.seed, loss: { p, batch in
        try step(model(Variable(batch.features), parameters: p[...]), batch.labels)
    }, progress: { epoch, meanLoss, _, seconds in
        print("epoch \(String(epoch).leftPadded(3))/\(options.epochs)  loss " + String(format: "%.5f", meanLoss)
              + "  " + String(format: "%.3f s", seconds))
    })
    let trainingSeconds = Clock.seconds(since: start)
    model.network.parameters = parameters
    let after = try model.embed(test.features)
    let learned = try metrics.report(queries: after.normalizedRows(), queryLabels: test.labels)

    print("")
    print(ReportWriter.table(raw: raw, learned: learned, learnedName: "\(options.loss) + \(minerName)"))
    print("training: " + String(format: "%.2f s", trainingSeconds))

    var report = ReportWriter.fields(learned)
    report["training_seconds"] = trainingSeconds
    report["raw_pixels"] = ReportWriter.fields(raw)
    report["setup"] = ["loss": options.loss, "miner": minerName, "epochs": options.epochs, "batch_size": options.batchSize,
                       "embedding_size": options.embeddingSize, "learning_rate": options.learningRate,
                       "optimizer": options.optimizer, "seed": Int(options.seed)] as [String: Any]
    if options.attack != nil {
        report["attack"] = try AttackComparison.run(options: options, training: training, test: test, metricModel: model, metricLoss: loss)
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
