import TensorCore

/// The logits shared by L-Softmax and A-Softmax: cosines with the target replaced by ψ.
///
/// cos θⱼ = x̂·ŵⱼ; for the target class ψ(θ) = (−1)^k cos(mθ) − 2k with
/// k = ⌊mθ/π⌋ (no gradient through k), cos(mθ) = Σₙ (−1)ⁿ C(m, 2n) cosᵐ⁻²ⁿθ (1 − cos²θ)ⁿ.
/// With annealing the target becomes (ψ + λ cos θ)/(1 + λ). The result is scaled by
/// the magnitudes ‖x‖‖wⱼ‖ (or ‖x‖ alone when weights are normalised) and `scale`.
@usableFromInline enum AngularMarginLogits {
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

    /// cos(mθ) as a polynomial in c = cos θ, and its derivative with respect to c.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func cosineOfMultipleAngle<Scalar: TensorScalar>(_ c: Scalar, _ m: Int) -> (value: Scalar, derivative: Scalar) {
        let s = 1 - c * c
        var value: Scalar = 0, derivative: Scalar = 0
        var binomial: Scalar = 1  // C(m, 2n)
        for n in 0...(m / 2) {
            if n > 0 {
                binomial = binomial * Scalar(m - 2 * n + 2) * Scalar(m - 2 * n + 1) / (Scalar(2 * n - 1) * Scalar(2 * n))
            }
            let sign: Scalar = n % 2 == 0 ? 1 : -1
            let p = m - 2 * n
            let cp = power(c, p), sn = power(s, n)
            value += sign * binomial * cp * sn
            let dcp = p > 0 ? Scalar(p) * power(c, p - 1) : 0
            let dsn = n > 0 ? Scalar(n) * power(s, n - 1) * (-2 * c) : 0
            derivative += sign * binomial * (dcp * sn + cp * dsn)
        }
        return (value, derivative)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline static func power<Scalar: TensorScalar>(_ x: Scalar, _ e: Int) -> Scalar {
        var out: Scalar = 1
        for _ in 0..<e { out *= x }
        return out
    }
}
