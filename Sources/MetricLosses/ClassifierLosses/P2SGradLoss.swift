import TensorCore

/// The P2SGrad loss (Zhang et al. 2019), as PML's `P2SGradLoss`.
///
/// The mean squared error between the cosines of the embeddings with the class weights and
/// the one-hot labels. With the class weights W (`[embeddingSize, classCount]`, PML's
/// `weight`: column c is class c's weight, the `weights` input), each column rescaled to
/// unit norm first (Ŵ below):
///
///     L = (1 / (N·C)) Σᵢ Σ_c (clamp(x̂ᵢ·ŵ_c, −1, 1) − [c = yᵢ])²
///
/// **The rescaling takes no part in the gradient**, as in PML, which rescales its parameter
/// in place (`weight.data = weight.renorm(2, 1, 1e-5) * 1e5`) at every call: the gradient
/// with respect to `weights` is ∂L/∂Ŵ, which finite differences of the loss do not
/// reproduce (they do with Ŵ held fixed). A training loop that steps the weights should
/// store `rescaled(_:)` of them after each step, as PML's parameter is. As PyTorch's
/// `renorm`, a column of norm r > 10⁻⁵ is multiplied by 10⁻⁵/(r + 10⁻⁷) and then by 10⁵ (to a
/// norm of r/(r + 10⁻⁷)), a shorter one by 10⁵ alone (PML then fails its unit-norm assertion;
/// this loss computes on).
///
/// The embeddings are divided by their norms (x̂; PML gives NaN for a zero row, this loss
/// a cosine of 0). The result is already reduced: no reducer, and no mined tuples, as PML.
/// Weights start uniform on [−1, 1] and rescaled (PML's initialisation).
///
/// - Complexity: one N×C×D matrix product (two more in the gradient) and O(N·C + C·D)
///   beyond it, for N samples, C classes and width D.
public struct P2SGradLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// Creates the loss (PML's has no hyperparameters beyond its sizes).
    public init() {}

    /// The loss of `embeddings` (`[N, D]`) against the class weights `weights` (`[D, C]`)
    /// with `labels` in `0..<C`.
    /// - Throws: `MetricLearningError` for a bad batch, weights whose shape does not fit or
    ///   a label outside the classes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let c = try ClassifierParameterLayout.columns(name: "weights", perClass: 1).check(embeddings, weights, labels: labels).classes
        let w = weights.value
        // Rescaled in the forward pass only: the gradient passes to `weights` unchanged.
        let unit = Variable.record([weights]) { (Self.rescaled(w), { g in [g] }) }
        let cosines = matmul(embeddings.normalizedRows(), unit).clamped(lower: -1, upper: 1)
        return try (cosines - Variable(ClassifierValidation.oneHot(labels, classes: c))).squared().mean().checked()
    }

    /// The weights with each column rescaled as PML rescales them before every call,
    /// `renorm(2, 1, 1e-5) * 1e5`: unit norm (to 10⁻⁷) for a column of norm above 10⁻⁵.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func rescaled(_ weights: Tensor<Scalar>) -> Tensor<Scalar> {
        guard weights.rank == 2 else { return weights }
        let (d, c) = (weights.shape[0], weights.shape[1])
        var norms = [Scalar](repeating: 0, count: c)
        let w = weights.scalars
        for i in 0..<d { for j in 0..<c { norms[j] += w[i * c + j] * w[i * c + j] } }
        let (maximum, restore): (Scalar, Scalar) = (1e-5, 1e5)
        let factors = norms.map { squared in
            let norm = squared.squareRoot()
            return norm > maximum ? maximum / (norm + 1e-7) : 1
        }
        return Tensor(uncheckedShape: weights.shape, scalars: w.indices.map { w[$0] * factors[$0 % c] * restore })
    }

    /// Weights `[embeddingSize, classCount]` uniform on [−1, 1], then `rescaled(_:)`: PML's
    /// `uniform_(-1, 1).renorm_(2, 1, 1e-5).mul_(1e5)`.
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        Self.rescaled(try Tensor.randomUniform(shape: [embeddingSize, classCount], lower: -1, upper: 1, seed: seed))
    }
}
