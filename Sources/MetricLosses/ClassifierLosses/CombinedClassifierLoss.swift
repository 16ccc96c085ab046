import TensorCore

/// A weighted sum of classifier losses over one shared weight matrix, Σ wₖ·Lₖ.
///
/// The combination study weighted hinge 0.25, L-Softmax 0.65 and A-Softmax 0.34.
public struct CombinedClassifierLoss<Scalar: TensorScalar>: ClassifierLoss {
    /// The weighted parts.
    public var parts: [(weight: Scalar, loss: any ClassifierLoss<Scalar>)]

    /// Creates the combination of `parts`.
    public init(_ parts: [(weight: Scalar, loss: any ClassifierLoss<Scalar>)]) {
        self.parts = parts
    }

    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try ClassifierValidation.check(embeddings, weights: weights, labels: labels)
        try BatchValidation.requireFiniteWeights(parts.map(\.weight))
        var total = (embeddings * 0).sum()
        for part in parts { total = total + part.weight * (try part.loss(embeddings, weights: weights, labels: labels)) }
        return try total.checked()
    }
}
