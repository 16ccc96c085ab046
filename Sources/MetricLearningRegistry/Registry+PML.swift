import MetricLearning
import MetricLearningTesting

extension Registry {
    /// The enrolled object of PML's class `object.className`, built from its keyword
    /// arguments. - Throws: `PMLUnsupported` naming a class or argument the library lacks.
    /// `then` reads arguments every class of the kind shares (a classifier loss's weight
    /// regularizer) and may wrap what the class's builder built.
    package static func build<Object>(_ object: PMLObject, from entries: [RegistryEntry<Object>], kind: String,
                                      then: (Object, PMLArguments) throws -> Object = { built, _ in built }) throws -> Object {
        guard let builder = entries.lazy.compactMap(\.pml).first(where: { $0.className == object.className }) else {
            throw PMLUnsupported("no enrolled \(kind) is PML's \(object.className)")
        }
        let arguments = PMLArguments(object)
        let built = try then(try builder.build(arguments), arguments)
        try arguments.finish()
        return built
    }

    package static func metricLoss<S: TensorScalar>(pml object: PMLObject) throws -> any MetricLoss<S> { try build(object, from: metricLosses(), kind: "loss") }
    /// The classifier loss, with PML's `weight_regularizer` (times `weight_reg_weight`, default 1)
    /// on any class.
    package static func classifierLoss<S: TensorScalar>(pml object: PMLObject) throws -> any ClassifierLoss<S> {
        try build(object, from: classifierLosses(), kind: "classifier loss") { loss, a in
            let weight = S(try a.double("weight_reg_weight", default: 1))
            guard let regularizer = try a.object("weight_regularizer") else { return loss }
            let built: any WeightRegularizer<S> = try build(regularizer, from: weightRegularizers(), kind: "weight regularizer")
            return regularized(loss, by: built, weight: weight)
        }
    }

    /// `loss.regularized(by:weight:)` on existentials, opened one by one.
    static func regularized<Loss: ClassifierLoss>(_ loss: Loss, by regularizer: any WeightRegularizer<Loss.Scalar>,
                                                  weight: Loss.Scalar) -> any ClassifierLoss<Loss.Scalar> {
        func wrap<Regularizer: WeightRegularizer>(_ regularizer: Regularizer) -> any ClassifierLoss<Loss.Scalar> where Regularizer.Scalar == Loss.Scalar {
            loss.regularized(by: regularizer, weight: weight)
        }
        return wrap(regularizer)
    }
    package static func miner<S: TensorScalar>(pml object: PMLObject) throws -> any Miner<S> { try build(object, from: miners(), kind: "miner") }

    /// The `distance` argument, or `fallback` when PML's default applies.
    static func distance<S: TensorScalar>(_ a: PMLArguments, default fallback: any Distance<S>) throws -> any Distance<S> {
        try a.object("distance").map { try build($0, from: distances(), kind: "distance") } ?? fallback
    }

    /// The `reducer` argument, or `fallback` when PML's default applies.
    static func reducer<S: TensorScalar>(_ a: PMLArguments, default fallback: any Reducer<S>) throws -> any Reducer<S> {
        try a.object("reducer").map { try build($0, from: reducers(), kind: "reducer") } ?? fallback
    }
}
