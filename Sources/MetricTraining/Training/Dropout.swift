import TensorCore

/// Dropout (Srivastava et al. 2014): in training each value is zeroed with probability p
/// and the rest scaled by 1/(1 − p); in evaluation it passes unchanged. The draws come
/// from the context's seeded generator.
public struct Dropout<Scalar: TensorScalar>: Layer, Sendable {
    /// The probability of zeroing a value, in [0, 1).
    public var probability: Scalar
    /// None: always empty (assigning parameters has no effect).
    public var parameters: [Tensor<Scalar>] {
        get { [] }
        set {}
    }

    /// Creates the layer.
    public init(probability: Scalar) { self.probability = probability }

    /// A probability outside [0, 1) gives a result that carries an `invalidParameter` error, any
    /// parameters given one that carries a `shapeMismatch`.
    public func callAsFunction(_ input: Variable<Scalar>, parameters: ArraySlice<Variable<Scalar>>, context: ForwardContext) -> Variable<Scalar> {
        do {
            try Self.check(probability: probability)
            try LayerChecks.requireParameterCount(parameters.count, 0, layer: "Dropout")
        } catch {
            return .carrying(error, after: input)
        }
        guard context.isTraining, probability > 0 else { return input }
        let keep = 1 - probability
        let mask = (0..<input.value.count).map { _ in Scalar(context.generator.nextUnitInterval()) < keep ? 1 / keep : 0 }
        return input * Variable(Tensor(uncheckedShape: input.shape, scalars: mask))
    }

    /// Throws unless the probability lies in [0, 1).
    static func check(probability: Scalar) throws {
        guard probability >= 0 && probability < 1 else {
            throw MetricLearningError(.invalidParameter, "dropout probability = \(probability) is out of range: must lie in [0, 1)")
        }
    }
}
