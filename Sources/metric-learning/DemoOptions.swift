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

    static let losses = ["triplet", "contrastive", "multisimilarity", "angular", "margin"]
    static let miners = ["semihard", "hard", "all", "batchhard", "ms", "pairmargin", "none"]

    /// The miner used when `--miner` is not given: PML's usual partner of each loss.
    var effectiveMiner: String {
        if let miner { return miner }
        switch loss {
        case "triplet": return "semihard"
        case "multisimilarity": return "ms"
        default: return "none"
        }
    }

    static let help = """
    usage: metric-learning [options]

    Trains an MLP embedding (64→128→32) on 80% of the UCI handwritten digits and evaluates
    retrieval on the held-out 20%, for raw pixels and for the learned embedding.

    options:
      --loss NAME          triplet (default), contrastive, multisimilarity, angular, margin
      --miner NAME         semihard, hard, all, batchhard, ms, pairmargin, none
                           (default: semihard for triplet, ms for multisimilarity, else none)
      --epochs N           training epochs (30)
      --batch-size N       samples per step (128)
      --embedding-size N   embedding width (32)
      --lr X               learning rate (0.001)
      --optimizer NAME     adam (default) or sgd (momentum 0.9)
      --seed N             seed of initialisation, shuffling and the split (0)
      --data FILE.csv      your own data: one row per sample, features then an integer label
      --attack NAME        fgsm, bim or pgd: accuracy under attack of a cross-entropy classifier
                           against the metric-learned kNN classifier
      --epsilon X          the attack's L∞ budget, in input units (0.1)
      --combined           also train the weighted hinge + L-Softmax + A-Softmax classifier
      --output DIR         where report.json and embeddings.svg go (metric-learning-output)
      --help               this text
    """

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
                guard losses.contains(options.loss) else { throw DemoError("unknown loss '\(options.loss)'; choose from \(losses.joined(separator: ", "))") }
            case "--miner":
                let miner = try value(argument)
                guard miners.contains(miner) else { throw DemoError("unknown miner '\(miner)'; choose from \(miners.joined(separator: ", "))") }
                options.miner = miner
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
        return options
    }
}

/// A message for the user, printed before a non-zero exit.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
