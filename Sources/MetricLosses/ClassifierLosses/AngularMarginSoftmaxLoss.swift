import TensorCore

/// A softmax cross-entropy on angular-margin logits (see `AngularMarginLogits`): the one
/// implementation of `LargeMarginSoftmaxLoss` and `AngularSoftmaxLoss`, which differ only in
/// whether the class weights are normalised.
///
/// A conformer stores its `configuration` and says whether it normalises the weights; the
/// configuration's fields and the loss itself come from this protocol.
public protocol AngularMarginSoftmaxLoss<Scalar>: ClassifierLoss {
    /// The margin, scale and annealing weight.
    var configuration: AngularMarginConfiguration<Scalar> { get set }
    /// True when the class weights are normalised (logits ‖x‖cos θⱼ, A-Softmax); false when
    /// they enter with their norms (‖x‖‖wⱼ‖cos θⱼ, L-Softmax).
    static var normalizesWeights: Bool { get }
}

extension AngularMarginSoftmaxLoss {
    /// The angular margin m, an integer ≥ 1 (1 is the plain softmax).
    public var margin: Int {
        get { configuration.margin }
        set { configuration.margin = newValue }
    }
    /// A factor on every logit.
    public var scale: Scalar {
        get { configuration.scale }
        set { configuration.scale = newValue }
    }
    /// The annealing weight λ ≥ 0 of the plain target logit.
    public var lambda: Scalar {
        get { configuration.lambda }
        set { configuration.lambda = newValue }
    }

    /// Softmax cross-entropy of the angular-margin logits, mean over samples.
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        try AngularMarginLogits.crossEntropy(embeddings: embeddings, weights: weights, labels: labels,
                                             configuration: configuration, normalizesWeights: Self.normalizesWeights)
    }
}
