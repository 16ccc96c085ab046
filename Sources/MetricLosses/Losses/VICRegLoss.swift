import TensorCore

/// The variance–invariance–covariance regularisation loss (VICReg; Bardes, Ponce & LeCun
/// 2022), as PML's `VICRegLoss`: a self-supervised loss of two views Z (the embeddings) and
/// Z′ (the references) of the same N items, row i of both one item, D features each.
///
///     L = λ·mean_i s_i + μ·mean_j v_j(Z) + μ·mean_j v_j(Z′) + ν·(c(Z) + c(Z′))
///
///     s_i = (1/D) Σ_j (z_ij − z′_ij)²                  invariance, per item
///     v_j = relu(1 − √(Var_j + ε)) / 2                variance, per feature
///     c   = (1/D) Σ_{j≠k} C_jk²,  C = Z̄ᵀZ̄ / (N − 1)   covariance, Z̄ the view centred
///
/// with Var_j = C_jj the unbiased variance of feature j. As PML, the invariance terms (one
/// per item) and each view's variance terms (one per feature) are the element sub-losses
/// `"invariance_loss"`, `"variance_loss1"` and `"variance_loss2"`, each reduced by `reducer`
/// (the mean) and without labels; the covariance is already reduced (`"covariance_loss"`,
/// no reducer); the four are added. Nothing is detached.
///
/// The loss reads no labels and takes no mined tuples (PML refuses both); see
/// ``PairedViewsLoss``. Without separate references the batch is its own second view (PML's
/// default): the invariance is 0 and each view's terms count twice.
///
/// Defaults λ = 25, μ = 25, ν = 1, ε = 10⁻⁴, the mean (PML's). The three weights must be
/// finite and non-negative and ε finite and non-negative (PML checks none of them).
///
/// One item (N = 1): PML divides by N − 1 = 0 and returns NaN; here the divisor is
/// max(N − 1, 1), so one item has variance and covariance 0. Each view is centred about its
/// first row before its mean, so a constant feature has a variance of exactly 0 and no
/// gradient from the variance hinge.
///
/// - Complexity: O(N·D²) time and O(N·D + D²) memory: each view's covariances are one
///   product Z̄ᵀZ̄ (the matrix-multiply kernel), and so is their gradient.
public struct VICRegLoss<Scalar: TensorScalar>: PairedViewsLoss, Sendable {
    /// The weight λ of the invariance terms (PML's `invariance_lambda`).
    public var invarianceWeight: Scalar
    /// The weight μ of the variance terms (PML's `variance_mu`).
    public var varianceWeight: Scalar
    /// The weight ν of the covariance penalty (PML's `covariance_v`).
    public var covarianceWeight: Scalar
    /// ε under the square root of each variance (PML's `eps`).
    public var epsilon: Scalar
    /// How the invariance and variance terms become scalars (each sub-loss on its own).
    public var reducer: any Reducer<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(invarianceWeight: Scalar = 25, varianceWeight: Scalar = 25, covarianceWeight: Scalar = 1, epsilon: Scalar = 1e-4,
                reducer: any Reducer<Scalar> = MeanReducer<Scalar>()) {
        (self.invarianceWeight, self.varianceWeight, self.covarianceWeight) = (invarianceWeight, varianceWeight, covarianceWeight)
        (self.epsilon, self.reducer) = (epsilon, reducer)
    }

    /// Throws unless the weights and ε are finite and non-negative.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        let values: KeyValuePairs<String, Scalar> = ["invarianceWeight": invarianceWeight, "varianceWeight": varianceWeight,
                                     "covarianceWeight": covarianceWeight, "epsilon": epsilon]
        try BatchValidation.requireFinite(values)
        for (name, value) in values { try BatchValidation.require(value >= 0, name, value, "must not be negative") }
    }

    /// The loss of the embeddings and the references as two views of the same items.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let (n, d) = try inputs.validatePairedViews(tuples, loss: "VICRegLoss")
        try checkHyperparameters()
        let (z, other) = (inputs.embeddings, inputs.references)
        let invariance = (z - other).squared().mean(alongAxis: 1) * invarianceWeight
        let first = statistics(z, count: n, width: d)
        let second = z.isSameVariable(as: other) ? first : statistics(other, count: n, width: d)
        return try (reducer.reduce(LossTerms(elements: invariance, name: "invariance_loss"))
            + reducer.reduce(LossTerms(elements: first.variance, name: "variance_loss1"))
            + reducer.reduce(LossTerms(elements: second.variance, name: "variance_loss2"))
            + (first.covariance + second.covariance) * covarianceWeight).checked()
    }

    /// One view's variance terms μ·v_j (one per feature) and its covariance penalty c.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func statistics(_ view: Variable<Scalar>, count n: Int, width d: Int) -> (variance: Variable<Scalar>, covariance: Variable<Scalar>) {
        let shifted = view - view.gatheringRows([0])
        let centred = shifted - shifted.mean(alongAxis: 0)
        let divisor = Scalar(Swift.max(n - 1, 1))
        let variance = centred.squared().sum(alongAxis: 0) / divisor
        let hinge = (1 - (variance + epsilon).squareRoot()).relu() * (varianceWeight / 2)
        // Z̄ᵀZ̄ as a product of one [D, N] variable with its transpose: one product for the gradient too.
        let transposed = centred.transposed()
        let covariance = matmul(transposed, transposed, transposeB: true) / divisor
        let offDiagonal = Tensor<Scalar>(uncheckedShape: [d, d], scalars: (0..<(d * d)).map { $0 % (d + 1) == 0 ? 0 : 1 })
        return (hinge, (covariance * Variable(offDiagonal)).squared().sum() / Scalar(d))
    }
}
