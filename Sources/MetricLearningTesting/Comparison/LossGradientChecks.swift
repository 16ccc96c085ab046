import MetricLearning

/// Checks a metric loss's gradient with respect to the embeddings against central finite
/// differences, with fixed labels and tuples.
///
/// A thin form of `checkGradients(at:in:)` for the common case; keep the embeddings away
/// from hinge kinks and pass the mined tuples explicitly, so both sides see the same terms.
///
/// ```swift
/// let report = try checkGradients(of: MyLoss(), embeddings: x, labels: labels)
/// report.isWithin(absoluteTolerance: 1e-6, relativeTolerance: 1e-5)
/// ```
/// - Throws: what the loss throws.
/// - Complexity: 2·N·D evaluations of the loss.
public func checkGradients(
    of loss: some MetricLoss<Double>, embeddings: Tensor<Double>, labels: [Int], tuples: MinedTuples? = nil
) throws -> GradientCheckReport {
    try checkGradients(at: [embeddings]) { try loss($0[0], labels: labels, tuples: tuples) }
}

/// Checks a classifier loss's gradients with respect to the embeddings (input 0) and the
/// class weights (input 1) against central finite differences.
///
/// ```swift
/// let report = try checkGradients(of: SoftmaxCrossEntropyLoss<Double>(), embeddings: x, weights: w, labels: labels)
/// ```
/// - Throws: what the loss throws.
public func checkGradients(
    of loss: some ClassifierLoss<Double>, embeddings: Tensor<Double>, weights: Tensor<Double>, labels: [Int]
) throws -> GradientCheckReport {
    try checkGradients(at: [embeddings, weights]) { try loss($0[0], weights: $0[1], labels: labels) }
}
