import TensorCore

/// A loss that owns a class-weight matrix `[embeddingSize, classCount]` (columns are
/// class weights), taken as a second differentiable input.
public protocol ClassifierLoss<Scalar> {
    /// The scalar type.
    associatedtype Scalar: TensorScalar
    /// The loss of `embeddings` (`[N, D]`) against class `weights` (`[D, C]`) with
    /// `labels` in `0..<C`.
    func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar>
}

/// A classifier loss value with its gradients for both inputs.
public struct ClassifierLossGradient<Scalar: TensorScalar>: Sendable {
    /// The loss value.
    public let value: Scalar
    /// ∂loss/∂embeddings, `[N, D]`.
    public let embeddingsGradient: Tensor<Scalar>
    /// ∂loss/∂weights, `[D, C]`.
    public let weightsGradient: Tensor<Scalar>
}

extension ClassifierLoss {
    /// The loss value and its gradients with respect to the embeddings and the weights.
    public func valueWithGradient(
        embeddings: Tensor<Scalar>, weights: Tensor<Scalar>, labels: [Int]
    ) throws -> ClassifierLossGradient<Scalar> {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, weights]) {
            try self($0[0], weights: $0[1], labels: labels)
        }
        return ClassifierLossGradient(value: value, embeddingsGradient: gradients[0], weightsGradient: gradients[1])
    }
}

/// The checks every classifier loss makes at the public boundary.
@usableFromInline enum ClassifierValidation {
    /// Validates embeddings, weights and labels; returns batch size, width and class count.
    @discardableResult
    @usableFromInline static func check<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]
    ) throws -> (count: Int, width: Int, classes: Int) {
        let (n, d) = try BatchValidation.check(embeddings, labels: labels)
        let w = try weights.checked().value
        guard w.rank == 2, w.shape[0] == d, w.shape[1] > 0 else {
            throw MetricLearningError(.shapeMismatch,
                "weights must be [embeddingSize, classCount] = [\(d), C ≥ 1], got shape \(w.shape)")
        }
        let c = w.shape[1]
        if let bad = labels.first(where: { $0 < 0 || $0 >= c }) {
            throw MetricLearningError(.invalidLabels, "label \(bad) is outside 0..<\(c) (the weight matrix has \(c) classes)")
        }
        if let bad = w.scalars.firstIndex(where: { !$0.isFinite }) {
            throw MetricLearningError(.nonFiniteInput, "weight [\(bad / c), \(bad % c)] is \(w.scalars[bad]); weights must be finite")
        }
        return (n, d, c)
    }

    /// The one-hot matrix of `labels` over `classes`.
    @usableFromInline static func oneHot<Scalar: TensorScalar>(_ labels: [Int], classes: Int) -> Tensor<Scalar> {
        var out = [Scalar](repeating: 0, count: labels.count * classes)
        for (i, y) in labels.enumerated() { out[i * classes + y] = 1 }
        return Tensor(uncheckedShape: [labels.count, classes], scalars: out)
    }
}

extension Variable {
    /// The mean softmax cross-entropy of `[N, C]` logits against labels:
    /// mean over i of ln Σⱼ e^(zᵢⱼ) − zᵢ,yᵢ.
    @usableFromInline func crossEntropy(labels: [Int]) -> Variable {
        let n = labels.count
        let target = gatheringElements(rows: Array(0..<n), columns: labels)
        return (logSumExp(alongAxis: 1) - target).mean()
    }
}
