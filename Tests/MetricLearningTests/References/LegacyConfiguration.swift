import MetricLearning
import MetricLearningTesting

/// The first reference file (`losses_and_miners.json`) names its objects in words; this
/// translates them into PML's classes and keyword arguments once, so one builder per class
/// (in the registry) serves both formats.
enum LegacyConfiguration {
    static func loss(_ words: KeywordArguments) throws -> PMLObject {
        var kwargs: [String: JSONValue] = [:]
        func copy(_ key: String, as name: String? = nil) { if let v = words.value(key) { kwargs[name ?? key] = v } }
        if let distance = words.string("distance"), distance != "euclidean" || words.bool("normalize_embeddings") == false {
            kwargs["distance"] = .object(["class": "LpDistance", "kwargs": .object([
                "normalize_embeddings": .bool(words.bool("normalize_embeddings") ?? true),
                "power": .number(distance == "squared_euclidean" ? 2 : 1)])])
        }
        if words.string("reduction")?.hasPrefix("mean over all terms") == true {
            kwargs["reducer"] = .object(["class": "MeanReducer"])
        }
        let className: String
        switch words.string("loss") {
        case "contrastive": className = "ContrastiveLoss"; copy("pos_margin"); copy("neg_margin")
        case "triplet_margin": className = "TripletMarginLoss"; copy("margin"); copy("swap"); copy("smooth", as: "smooth_loss")
        case "angular": className = "AngularLoss"; copy("alpha_degrees", as: "alpha")
        case "multi_similarity": className = "MultiSimilarityLoss"; copy("alpha"); copy("beta"); copy("base")
        case "margin": className = "MarginLoss"; copy("margin"); copy("beta")
        case "exponential_triplet": className = "ExponentialTripletLoss"; copy("overlap"); kwargs["distance"] = nil
        case "large_margin_softmax": className = "LargeMarginSoftmaxLoss"; copy("margin"); copy("scale")
        case "a_softmax": className = "SphereFaceLoss"; copy("margin"); copy("scale")
        case "multiclass_hinge": className = "MultiClassHingeLoss"; copy("margin")
        case "softmax_cross_entropy": className = "SoftmaxCrossEntropyLoss"
        case let other: throw PMLUnsupportedWords("loss \(other ?? "(none)")")
        }
        return PMLObject(className: className, kwargs: KeywordArguments(kwargs))
    }

    static func miner(_ words: KeywordArguments) throws -> PMLObject {
        var kwargs: [String: JSONValue] = [:]
        func copy(_ key: String, as name: String? = nil) { if let v = words.value(key) { kwargs[name ?? key] = v } }
        let className: String
        switch words.string("miner") {
        case "triplet_margin": className = "TripletMarginMiner"; copy("margin"); copy("type", as: "type_of_triplets")
        case "batch_hard": className = "BatchHardMiner"
        case "multi_similarity": className = "MultiSimilarityMiner"; copy("epsilon")
        case "pair_margin": className = "PairMarginMiner"; copy("pos_margin"); copy("neg_margin")
        case let other: throw PMLUnsupportedWords("miner \(other ?? "(none)")")
        }
        return PMLObject(className: className, kwargs: KeywordArguments(kwargs))
    }
}

/// A configuration in words that names no object the translation knows.
struct PMLUnsupportedWords: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "no translation for the \(what)" }
}
