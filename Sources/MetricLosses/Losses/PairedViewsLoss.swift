import TensorCore

/// A self-supervised metric loss: the embeddings and the references are two views of the
/// same N items (two augmentations of one input each), row i of both one item, and there
/// are no labels. ``VICRegLoss`` and ``SelfSupervisedLoss`` conform.
///
/// Call it with the two views:
///
/// ```swift
/// let loss = SelfSupervisedLoss(NTXentLoss<Float>())
/// let r = try loss.valueWithGradients(embeddings: view1, references: view2)
/// // r.embeddingsGradient and r.referencesGradient: one gradient per view.
/// ```
///
/// As a ``MetricLoss`` it also takes `BatchInputs`: the labels are then read for their
/// count only (every metric loss checks it), the references must have the embeddings'
/// rows, and mined tuples throw, even empty ones (PML's self-supervised losses take no
/// `indices_tuple`); ``BatchInputs/validatePairedViews(_:loss:)`` checks all that. Without
/// separate references the batch is its own second view, as PML's `ref_emb` default.
public protocol PairedViewsLoss<Scalar>: MetricLoss {}

extension PairedViewsLoss {
    /// The loss of two views of the same items: `embeddings` (`[N, D]`) and `references`
    /// (`[N, D]`), row i of both one item.
    public func callAsFunction(_ embeddings: Variable<Scalar>, references: Variable<Scalar>) throws -> Variable<Scalar> {
        // Each view numbers its own rows, so a view of another length fails as rows, not as labels.
        let (items, referenceItems) = (Array(0..<(embeddings.shape.first ?? 0)), Array(0..<(references.shape.first ?? 0)))
        return try self(BatchInputs(embeddings: embeddings, labels: items, references: references, referenceLabels: referenceItems), tuples: nil)
    }

    /// The loss of two views and its gradient for each.
    public func valueWithGradients(embeddings: Tensor<Scalar>, references: Tensor<Scalar>) throws -> LossGradients<Scalar> {
        let (value, gradients) = try TensorCore.valueWithGradient(at: [embeddings, references]) { try self($0[0], references: $0[1]) }
        return LossGradients(value: value, embeddingsGradient: gradients[0], referencesGradient: gradients[1])
    }
}
