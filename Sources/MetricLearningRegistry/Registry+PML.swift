import MetricLearning
import MetricLearningTesting

extension Registry {
    /// The enrolled object of PML's class `object.className`, built from its keyword
    /// arguments. - Throws: `PMLUnsupported` naming a class or argument the library lacks.
    /// `finishing` reads the arguments every object of the kind accepts (PML's base class's)
    /// and wraps the built object accordingly.
    package static func build<Object>(
        _ object: PMLObject, from entries: [RegistryEntry<Object>], kind: String,
        finishing: (Object, PMLArguments) throws -> Object = { object, _ in object }
    ) throws -> Object {
        guard let builder = entries.lazy.compactMap(\.pml).first(where: { $0.className == object.className }) else {
            throw PMLUnsupported("no enrolled \(kind) is PML's \(object.className)")
        }
        let arguments = PMLArguments(object)
        let built = try finishing(builder.build(arguments), arguments)
        try arguments.finish()
        return built
    }

    package static func metricLoss<S: TensorScalar>(pml object: PMLObject) throws -> any MetricLoss<S> {
        try build(object, from: metricLosses(), kind: "loss", finishing: embeddingRegularization)
    }
    package static func classifierLoss<S: TensorScalar>(pml object: PMLObject) throws -> any ClassifierLoss<S> {
        try build(object, from: classifierLosses(), kind: "classifier loss", finishing: weightRegularization)
    }
    package static func miner<S: TensorScalar>(pml object: PMLObject) throws -> any Miner<S> { try build(object, from: miners(), kind: "miner") }

    /// The `distance` argument, or `fallback` when PML's default applies.
    static func distance<S: TensorScalar>(_ a: PMLArguments, default fallback: any Distance<S>) throws -> any Distance<S> {
        try a.object("distance").map { try build($0, from: distances(), kind: "distance") } ?? fallback
    }

    /// `loss` with PML's `embedding_regularizer` and `embedding_reg_weight` (default 1), which
    /// every PML loss accepts; unchanged without a regularizer.
    static func embeddingRegularization<S: TensorScalar>(_ loss: any MetricLoss<S>, _ a: PMLArguments) throws -> any MetricLoss<S> {
        let weight = S(try a.double("embedding_reg_weight", default: 1))
        guard let object = try a.object("embedding_regularizer") else { return loss }
        return loss.regularized(by: try build(object, from: embeddingRegularizers(), kind: "embedding regularizer"), weight: weight)
    }

    /// `loss` with PML's `weight_regularizer` and `weight_reg_weight` (default 1), which every
    /// PML loss with weights accepts; unchanged without a regularizer.
    static func weightRegularization<S: TensorScalar>(_ loss: any ClassifierLoss<S>, _ a: PMLArguments) throws -> any ClassifierLoss<S> {
        let weight = S(try a.double("weight_reg_weight", default: 1))
        guard let object = try a.object("weight_regularizer") else { return loss }
        return regularized(loss, by: try build(object, from: weightRegularizers(), kind: "weight regularizer"), weight: weight)
    }

    /// `loss.regularized(by:weight:)` on existentials, opened one by one.
    static func regularized<Loss: ClassifierLoss>(_ loss: Loss, by regularizer: any WeightRegularizer<Loss.Scalar>,
                                                  weight: Loss.Scalar) -> any ClassifierLoss<Loss.Scalar> {
        func wrap<Regularizer: WeightRegularizer>(_ regularizer: Regularizer) -> any ClassifierLoss<Loss.Scalar> where Regularizer.Scalar == Loss.Scalar {
            loss.regularized(by: regularizer, weight: weight)
        }
        return wrap(regularizer)
    }

    /// `SelfSupervisedLoss` around a loss built from PML's kwargs, its existential opened.
    static func selfSupervised<Loss: MetricLoss>(_ loss: Loss, symmetric: Bool) -> any MetricLoss<Loss.Scalar> {
        SelfSupervisedLoss(loss, symmetric: symmetric)
    }

    /// The `reducer` argument, or `fallback` when PML's default applies.
    static func reducer<S: TensorScalar>(_ a: PMLArguments, default fallback: any Reducer<S>) throws -> any Reducer<S> {
        try a.object("reducer").map { try build($0, from: reducers(), kind: "reducer") } ?? fallback
    }
}
