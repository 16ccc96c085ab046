import TensorCore

/// The circle loss (Sun et al. 2020), as PML's `CircleLoss`.
///
/// Per anchor i, over its positive set Pᵢ and negative set Nᵢ of similarities s, with
/// margin m and scale γ:
///
///     Lᵢ = softplus( ln Σ_{Pᵢ} e^(−γ αₚ (s − Δₚ)) + ln Σ_{Nᵢ} e^(γ αₙ (s − Δₙ)) )
///     αₚ = relu(1 + m − s),  αₙ = relu(s + m),  Δₚ = 1 − m,  Δₙ = m
///
/// **αₚ and αₙ are computed without gradient**, as PML computes them (from the detached
/// similarities): ∂Lᵢ/∂s = −γαₚ·wₛ·σ(zᵢ) for a positive and γαₙ·wₛ·σ(zᵢ) for a negative,
/// where zᵢ is the argument of the softplus and wₛ the softmax weight of s within its side.
/// This is not the derivative of the formula above with α as functions of s, so finite
/// differences of the loss do not reproduce it; they reproduce it with α held fixed.
///
/// Both log-sum-exps are shifted by their row's largest exponent and the softplus is
/// `max(z, 0) + log1p(e^(−|z|))`, so the loss is finite in `Float` for any γ (PyTorch's
/// `Softplus` returns z itself above 20, a difference below 2.1·10⁻⁹).
///
/// As PML: the terms are per anchor ("element" reduction), one for every anchor row; an
/// anchor without a positive or without a negative gets 0 (and a zero gradient), which
/// mean-of-non-zero does not count. With tuples, a pair listed more than once counts once,
/// and a pair listed as both positive and negative throws. PML's `GenericPairLoss` returns
/// 0 when there is at most one positive pair and at most one negative pair; so does this.
///
/// Defaults m = 0.4 and γ = 80 (the paper's fine-grained retrieval setting), cosine
/// similarity, mean of non-zero terms. The distance must be a similarity.
///
/// Over every pair (no tuples) the terms come row by row from one `[N, M]` buffer, which
/// holds the similarities, then the exponentials, then the gradient (`CircleRows`); for a
/// batch against itself under cosine similarity (the default) it is the Gram matrix's own.
///
/// - Complexity: O(N·M) beyond the similarity matrix, for N anchors and M references; one
///   `[N, M]` buffer over every pair, masks and a few `[N, M]` tensors over listed pairs.
public struct CircleLoss<Scalar: TensorScalar>: PairLoss, Sendable {
    /// The relaxation m (PML's `m`): the optima are 1 + m (positives) and −m (negatives),
    /// the decision margins 1 − m and m.
    public var margin: Scalar
    /// The scale γ (γ > 0).
    public var gamma: Scalar
    /// How embeddings are compared; a similarity (cosine by default).
    public var distance: any Distance<Scalar>
    /// How the per-anchor terms become a scalar.
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(
        margin: Scalar = 0.4, gamma: Scalar = 80,
        distance: any Distance<Scalar> = CosineSimilarity<Scalar>(),
        reducer: any Reducer<Scalar> = MeanOfNonZeroReducer<Scalar>()
    ) {
        (self.margin, self.gamma, self.distance, self.reducer) = (margin, gamma, distance, reducer)
    }

    /// Throws unless m is finite, γ positive and finite, and the distance a similarity
    /// (PML asserts cosine; αₚ, αₙ and the Δ's are set on a similarity scale).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["margin": margin, "gamma": gamma])
        try BatchValidation.require(gamma > 0, "gamma", gamma, "must be positive")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func loss(_ inputs: BatchInputs<Scalar>, over pairs: PairSelection) throws -> Variable<Scalar> {
        if let rows = pairs.rows {
            // Every pair: row by row in one [N, M] buffer (for cosine, the Gram matrix's own), no masks.
            let terms = SoftmaxRows.terms(CircleRows(rows, margin: margin, gamma: gamma), inputs: inputs, distance: distance)
            return reducer.reduce(LossTerms(elements: terms, labels: inputs.labels))
        }
        let (n, m) = pairs.extents
        let masks = try pairs.masks()
        func anchorsWithPairs(_ mask: [Bool]) -> [Bool] { (0..<n).map { mask[($0 * m)..<($0 * m + m)].contains(true) } }
        let hasPositive = anchorsWithPairs(masks.positive), hasNegative = anchorsWithPairs(masks.negative)
        let matrix = try inputs.matrix(distance).checked()
        let exponents = Self.exponents(matrix, positiveMask: masks.positive, negativeMask: masks.negative, margin: margin, gamma: gamma)
        // A side without entries has log-sum-exp −∞; PML sets it to 0, then zeroes the row.
        let zeros = Variable(Tensor<Scalar>([Scalar](repeating: 0, count: n)))
        let positiveLse = exponents.logSumExp(alongAxis: 1, mask: masks.positive).replacing(with: zeros, where: hasPositive.map { !$0 })
        let negativeLse = exponents.logSumExp(alongAxis: 1, mask: masks.negative).replacing(with: zeros, where: hasNegative.map { !$0 })
        let counted = (0..<n).map { hasPositive[$0] && hasNegative[$0] }
        let terms = zeros.replacing(with: (positiveLse + negativeLse).softplus(), where: counted)
        return reducer.reduce(LossTerms(elements: terms, labels: inputs.labels))
    }

    /// The `[N, M]` exponents: −γαₚ(s − Δₚ) at positives, γαₙ(s − Δₙ) at negatives, 0
    /// elsewhere, with αₚ, αₙ taken from the values of `matrix` and held constant in the
    /// pullback (∂/∂s = −γαₚ or γαₙ).
    static func exponents(
        _ matrix: Variable<Scalar>, positiveMask: [Bool], negativeMask: [Bool], margin: Scalar, gamma: Scalar
    ) -> Variable<Scalar> {
        let s = matrix.value
        let count = s.scalars.count
        // PML's op = 1 + m, on = −m, Δₚ = 1 − m, Δₙ = m, evaluated in the same order.
        let (optimumP, optimumN, deltaP, deltaN) = (1 + margin, -margin, 1 - margin, margin)
        var scale = [Scalar](repeating: 0, count: count), offset = [Scalar](repeating: 0, count: count)
        let values = s.scalars
        for k in 0..<count {
            if positiveMask[k] {
                scale[k] = -gamma * Swift.max(optimumP - values[k], 0)
                offset[k] = deltaP
            } else if negativeMask[k] {
                scale[k] = gamma * Swift.max(values[k] - optimumN, 0)
                offset[k] = deltaN
            }
        }
        return Variable.record([matrix]) {
            let shape = s.shape
            let out = (0..<count).map { scale[$0] * (values[$0] - offset[$0]) }
            return (Tensor(uncheckedShape: shape, scalars: out), { g in
                let gs = g.scalars
                return [Tensor(uncheckedShape: shape, scalars: (0..<count).map { gs[$0] * scale[$0] })]
            })
        }
    }
}
