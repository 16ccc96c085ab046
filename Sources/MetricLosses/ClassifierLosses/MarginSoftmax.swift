import TensorCore

/// The one implementation of the margin softmax losses (`ArcFaceLoss`, `CosFaceLoss`,
/// `SubCenterArcFaceLoss`, `NormalizedSoftmaxLoss`): cosines between the embeddings and the
/// class weights (columns of `[D, C·k]`, the best of each class's k sub-centres), then the
/// cross-entropy of `MarginSoftmaxRows`, mean over samples. The weights' columns are
/// normalised in place (no transposed copy), and without sub-centres the product's buffer
/// is the kernel's (`SoftmaxRows.terms(_:productOf:_:transposeB:)`).
@usableFromInline enum MarginSoftmax {
    /// The mean cross-entropy of the logits s·cos θⱼ with the target's cosine through `margin`.
    /// - Throws: `MetricLearningError` for a batch, weights or labels that do not fit (see
    ///   `ClassifierValidation.check`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func crossEntropy<Scalar: TensorScalar>(
        _ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int], subCenters: Int = 1,
        scale: Scalar, margin: MarginSoftmaxRows<Scalar>.Margin
    ) throws -> Variable<Scalar> {
        let (n, _, c) = try ClassifierValidation.check(embeddings, weights: weights, labels: labels, columnsPerClass: subCenters)
        let (units, columns) = (embeddings.normalizedRows(), weights.normalizedColumns())
        let kernel = MarginSoftmaxRows(labels: labels, scale: scale, margin: margin)
        guard subCenters > 1 else { return try SoftmaxRows.terms(kernel, productOf: units, columns, transposeB: false).mean().checked() }
        let cosine = matmul(units, columns).reshaped(to: [n * c, subCenters]).max(alongAxis: 1).reshaped(to: [n, c])
        return try SoftmaxRows.terms(kernel, matrix: cosine).mean().checked()
    }

    /// ArcFace's margin in radians from `degrees`, after checking it and the scale.
    /// - Throws: `invalidParameter` unless the margin lies in [0°, 180°) and the scale is
    ///   finite and positive.
    static func angularMargin<Scalar: TensorScalar>(degrees: Scalar, scale: Scalar) throws -> MarginSoftmaxRows<Scalar>.Margin {
        try BatchValidation.requireFinite(["margin": degrees, "scale": scale])
        try BatchValidation.require(degrees >= 0 && degrees < 180, "margin", degrees, "must lie in [0, 180) degrees")
        try requirePositiveScale(scale)
        return .angular(degrees * .pi / 180)
    }

    /// Throws `invalidParameter` unless `scale` is positive (and finite, checked before).
    static func requirePositiveScale<Scalar: TensorScalar>(_ scale: Scalar) throws {
        try BatchValidation.require(scale > 0, "scale", scale, "must be positive")
    }
}
