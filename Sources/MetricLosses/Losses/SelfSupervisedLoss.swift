import TensorCore

/// Any metric loss made self-supervised, as PML's `SelfSupervisedLoss`: the embeddings and
/// the references are two views of the same N items (row i of both one item), and the
/// wrapped loss sees item i as class i.
///
/// - `symmetric` (the default): the wrapped loss of the 2N rows [embeddings; references]
///   against themselves, with labels [0, 1, …, N − 1, 0, 1, …, N − 1], so each row's
///   other view is its one positive and the other 2N − 2 rows are its negatives;
/// - otherwise: the wrapped loss of the embeddings (labels 0..<N) against the references as
///   its references (the same labels), so anchor i's positive is reference i and its
///   negatives are the other references; the gradient reaches both views.
///
/// The wrapper reads no labels and takes no mined tuples (as PML's); see
/// ``PairedViewsLoss``. PML accepts 13 losses here (the pair and triplet losses, NT-Xent,
/// SupCon, NCA); any ``MetricLoss`` is accepted here, and the wrapped loss's own
/// refusals apply (``InstanceLoss`` takes no references, so only its symmetric form runs).
/// With `symmetric: false` and N = 1 an anchor has no negative, so a loss over triplets or
/// negative pairs gives 0.
///
/// - Complexity: the wrapped loss's over 2N rows (symmetric) or N anchors against N
///   references, plus O(N·D) to join the views.
public struct SelfSupervisedLoss<Loss: MetricLoss>: PairedViewsLoss, Sendable {
    /// The scalar type, the wrapped loss's.
    public typealias Scalar = Loss.Scalar
    /// The wrapped loss.
    public var loss: Loss
    /// Whether both views are anchors of one 2N-row batch (true, PML's default) or the
    /// embeddings are anchors against the references (false).
    public var symmetric: Bool

    /// Wraps `loss`; the default is PML's.
    public init(_ loss: Loss, symmetric: Bool = true) {
        (self.loss, self.symmetric) = (loss, symmetric)
    }

    /// The wrapped loss of the two views (the embeddings and the references), each row its item's index as label.
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let items = Array(0..<(try inputs.validatePairedViews(tuples, loss: "SelfSupervisedLoss").count))
        guard symmetric else {
            return try loss(BatchInputs(embeddings: inputs.embeddings, labels: items, references: inputs.references, referenceLabels: items), tuples: nil)
        }
        return try loss(Variable.concatenatingRows([inputs.embeddings, inputs.references]), labels: items + items, tuples: nil)
    }
}
