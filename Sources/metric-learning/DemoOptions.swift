/// The demo's command-line options, with defaults that reproduce the reference setup.
struct DemoOptions {
    var loss = "triplet"
    var miner: String?
    var epochs = 30
    var batchSize = 128
    var embeddingSize = 32
    var learningRate = 1e-3
    var optimizer = "adam"
    var seed: UInt64 = 0
    var dataPath: String?
    var attack: String?
    var epsilon = 0.1
    var combined = false
    var output = "metric-learning-output"
    var showHelp = false
    var itemsPerClass: Int?
    var lossLearningRate = 0.01
    var viewNoise = 0.1

    /// The miner used when `--miner` is not given: PML's usual partner of the loss.
    var effectiveMiner: String {
        miner ?? (try? LossFactory.loss(loss).miner) ?? "none"
    }

    /// m of m-per-class batches over `classes` classes: `--m-per-class`, or for a loss that
    /// trains on balanced batches the smallest m that splits the batch into at most
    /// `classes` classes of m rows (16 for 128 rows over 10 digits); nil for shuffled batches.
    /// - Throws: `DemoError` when no m splits the batch into 2 to `classes` classes.
    func itemsPerClass(balanced: Bool, classes: Int) throws -> Int? {
        if let itemsPerClass { return itemsPerClass }
        guard balanced else { return nil }
        guard let m = (1...batchSize).first(where: { batchSize % $0 == 0 && batchSize / $0 <= classes && batchSize / $0 >= 2 }) else {
            throw DemoError("\(loss) trains on m-per-class batches, and a batch of \(batchSize) does not split into 2 to \(classes) classes of equal size; choose --batch-size or --m-per-class")
        }
        return m
    }

    static var help: String {
        func names(_ family: DemoLoss.Family) -> String {
            wrapped(LossFactory.losses.filter { $0.family == family }.map(\.name), indent: 27)
        }
        let balanced = LossFactory.losses.filter(\.balancedBatches).map(\.name)
        return """
        usage: metric-learning [options]

        Trains an MLP embedding (64→128→32) on 80% of the UCI handwritten digits and evaluates
        retrieval on the held-out 20%, for raw pixels and for the learned embedding.

        options:
          --loss NAME          triplet (default) or another loss of the catalogue, PML's defaults:
                               metric losses over labelled pairs, triplets and lists:
        \(names(.metric))
                               classifier and proxy losses, whose class weights or proxies
                               (PML's initialisation) train beside the model with --loss-lr:
        \(names(.classifier))
                               self-supervised, on two views of each digit (a random shift by
                               up to one pixel and Gaussian noise, --view-noise); labels unused:
        \(names(.selfSupervised))
          --miner NAME         for metric losses (default: semihard for triplet, ms for
                               multisimilarity, else none):
        \(wrapped(LossFactory.miners, indent: 23))
          --m-per-class N      batches of N rows from each of batch-size / N classes (PML's
                               MPerClassSampler); by default, with the smallest N that fits the
                               classes (16 for 128 rows over 10 digits), for
        \(wrapped(balanced, indent: 23))
          --epochs N           training epochs (30)
          --batch-size N       samples per step (128)
          --embedding-size N   embedding width (32)
          --lr X               learning rate of the model (0.001)
          --loss-lr X          learning rate of a classifier loss's own parameters, same optimizer
                               (0.01, as PML's examples step them)
          --view-noise X       the standard deviation of the views' Gaussian noise (0.1)
          --optimizer NAME     adam (default) or sgd (momentum 0.9)
          --seed N             seed of initialisation, shuffling, sampling, views and the split (0)
          --data FILE.csv      your own data: one row per sample, features then an integer label
          --attack NAME        fgsm, bim or pgd: accuracy under attack of a cross-entropy classifier
                               against the metric-learned kNN classifier (losses over labels)
          --epsilon X          the attack's L∞ budget, in input units (0.1)
          --combined           also train the weighted hinge + L-Softmax + A-Softmax classifier
          --output DIR         where report.json and embeddings.svg go (metric-learning-output)
          --help               this text
        """
    }

    /// `words` joined by ", " in lines of at most 94 columns, each indented by `indent`.
    static func wrapped(_ words: [String], indent: Int) -> String {
        var lines = [String(repeating: " ", count: indent)]
        for (i, word) in words.enumerated() {
            let piece = word + (i < words.count - 1 ? "," : "")
            if lines[lines.count - 1].count + piece.count + 1 > 94 { lines.append(String(repeating: " ", count: indent)) }
            lines[lines.count - 1] += (lines[lines.count - 1].count > indent ? " " : "") + piece
        }
        return lines.joined(separator: "\n")
    }

    /// Parses `arguments` (without the program name).
    /// - Throws: `DemoError` naming an unknown option or a bad value.
    static func parse(_ arguments: [String]) throws -> DemoOptions {
        var options = DemoOptions()
        var rest = arguments[...]
        func value(_ name: String) throws -> String {
            guard let next = rest.popFirst() else { throw DemoError("option \(name) needs a value") }
            return next
        }
        func number<T: LosslessStringConvertible>(_ name: String, _ check: (T) -> Bool) throws -> T {
            let text = try value(name)
            guard let parsed = T(text), check(parsed) else { throw DemoError("option \(name): '\(text)' is not a valid value") }
            return parsed
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--help", "-h": options.showHelp = true
            case "--loss":
                options.loss = try value(argument)
                _ = try LossFactory.loss(options.loss)
            case "--miner":
                let miner = try value(argument)
                guard LossFactory.miners.contains(miner) else { throw DemoError("unknown miner '\(miner)'; choose from \(LossFactory.miners.joined(separator: ", "))") }
                options.miner = miner
            case "--m-per-class": options.itemsPerClass = try number(argument) { (v: Int) in v >= 1 }
            case "--loss-lr": options.lossLearningRate = try number(argument) { (v: Double) in v > 0 }
            case "--view-noise": options.viewNoise = try number(argument) { (v: Double) in v >= 0 && v.isFinite }
            case "--epochs": options.epochs = try number(argument) { (v: Int) in v >= 1 }
            case "--batch-size": options.batchSize = try number(argument) { (v: Int) in v >= 2 }
            case "--embedding-size": options.embeddingSize = try number(argument) { (v: Int) in v >= 1 }
            case "--lr": options.learningRate = try number(argument) { (v: Double) in v > 0 }
            case "--optimizer":
                options.optimizer = try value(argument)
                guard ["adam", "sgd"].contains(options.optimizer) else { throw DemoError("unknown optimizer '\(options.optimizer)'; choose adam or sgd") }
            case "--seed": options.seed = try number(argument) { (_: UInt64) in true }
            case "--data": options.dataPath = try value(argument)
            case "--attack":
                let attack = try value(argument)
                guard ["fgsm", "bim", "pgd"].contains(attack) else { throw DemoError("unknown attack '\(attack)'; choose fgsm, bim or pgd") }
                options.attack = attack
            case "--epsilon": options.epsilon = try number(argument) { (v: Double) in v >= 0 }
            case "--combined": options.combined = true
            case "--output": options.output = try value(argument)
            default: throw DemoError("unknown option '\(argument)' (see --help)")
            }
        }
        let family = try LossFactory.loss(options.loss).family
        if family != .metric, let miner = options.miner, miner != "none" {
            throw DemoError("--miner: the \(family.rawValue) loss \(options.loss) takes no mined tuples")
        }
        if family == .selfSupervised, options.attack != nil {
            throw DemoError("--attack needs a loss over labels; \(options.loss) has none")
        }
        return options
    }
}

/// A message for the user, printed before a non-zero exit.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
