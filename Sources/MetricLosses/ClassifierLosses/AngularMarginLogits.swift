import TensorCore

/// The logits shared by L-Softmax and A-Softmax: cosines with the target replaced by ψ.
///
/// cos θⱼ = x̂·ŵⱼ; for the target class ψ(θ) = (−1)^k cos(mθ) − 2k with
/// k = ⌊mθ/π⌋ (no gradient through k), cos(mθ) the Chebyshev polynomial T_m(cos θ).
/// With annealing the target becomes (ψ + λ cos θ)/(1 + λ). The result is scaled by
/// the magnitudes ‖x‖‖wⱼ‖ (or ‖x‖ alone when weights are normalised) and `scale`.
@usableFromInline enum AngularMarginLogits {
    /// The loss of `AngularMarginSoftmaxLoss`: softmax cross-entropy of the logits, mean over samples.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func crossEntropy<Scalar: TensorScalar>(
        embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int],
        configuration: AngularMarginConfiguration<Scalar>, normalizesWeights: Bool
    ) throws -> Variable<Scalar> {
        try logits(embeddings: embeddings, weights: weights, labels: labels, margin: configuration.margin,
                   scale: configuration.scale, lambda: configuration.lambda, normalizesWeights: normalizesWeights)
            .crossEntropy(labels: labels).checked()
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func logits<Scalar: TensorScalar>(
        embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int],
        margin: Int, scale: Scalar, lambda: Scalar, normalizesWeights: Bool
    ) throws -> Variable<Scalar> {
        let (n, _, c) = try ClassifierValidation.check(embeddings, weights: weights, labels: labels)
        try BatchValidation.require(margin >= 1, "margin", margin, "must be an integer ≥ 1")
        try BatchValidation.requireFinite(["scale": scale, "lambda": lambda])
        try BatchValidation.require(scale > 0, "scale", scale, "must be positive")
        try BatchValidation.require(lambda >= 0, "lambda", lambda, "must not be negative")
        let classWeights = weights.transposed()                       // [C, D]
        let cosine = matmul(embeddings.normalizedRows(), classWeights.normalizedRows(), transposeB: true)
        let targetCosine = cosine.gatheringElements(rows: Array(0..<n), columns: labels)
        let multiple = targetCosine.unary({ cosineOfMultipleAngle($0, margin).value },
                                          derivative: { x, _ in cosineOfMultipleAngle(x, margin).derivative })
        let k = targetCosine.value.scalars.map { value -> Scalar in
            let clamped = Swift.min(Swift.max(value, -1 + Scalar(1e-7)), 1 - Scalar(1e-7))
            return (Scalar.acos(clamped) * Scalar(margin) / .pi).rounded(.down)
        }
        let sign = Variable(Tensor<Scalar>(uncheckedShape: [n], scalars: k.map { Int($0) % 2 == 0 ? 1 : -1 }))
        let offset = Variable(Tensor<Scalar>(uncheckedShape: [n], scalars: k.map { 2 * $0 }))
        let psi = sign * multiple - offset
        let target = (psi + lambda * targetCosine) / (1 + lambda)
        let oneHot = Variable(ClassifierValidation.oneHot(labels, classes: c) as Tensor<Scalar>)
        let adjusted = cosine + oneHot * (target - targetCosine).reshaped(to: [n, 1])
        let embeddingNorms = embeddings.rowNorms().reshaped(to: [n, 1])
        let magnitude = normalizesWeights ? embeddingNorms : embeddingNorms * classWeights.rowNorms().reshaped(to: [1, c])
        return adjusted * magnitude * scale
    }

    /// cos(mθ) = T_m(c) for c = cos θ (clamped to [−1, 1]), and its derivative m·U_{m−1}(c),
    /// by the Chebyshev recurrences T_{k+1} = 2c·T_k − T_{k−1} and U_{k+1} = 2c·U_k − U_{k−1}.
    ///
    /// Every T_k stays in [−1, 1] and every U_k in [−(k+1), k+1], so no margin overflows
    /// (the binomial sum overflowed from m ≈ 120 in `Float`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func cosineOfMultipleAngle<Scalar: TensorScalar>(_ cosine: Scalar, _ m: Int) -> (value: Scalar, derivative: Scalar) {
        let c = Swift.min(Swift.max(cosine, -1), 1)
        var (t0, t1): (Scalar, Scalar) = (1, c)            // T_0, T_1
        var (u0, u1): (Scalar, Scalar) = (0, 1)            // U_{-1}, U_0
        for _ in 0..<m {
            (t0, t1) = (t1, 2 * c * t1 - t0)
            (u0, u1) = (u1, 2 * c * u1 - u0)
        }
        // After m steps t0 = T_m and u0 = U_{m−1}.
        return (t0, Scalar(m) * u0)
    }
}
