import TensorCore

/// The manifold loss (Aziere & Todorovic 2019, "Ensemble deep manifold similarity learning
/// using hard proxies"), as PML's `ManifoldLoss`.
///
/// K learnable proxies P (`[K, l]`, PML's `proxies`, the `weights` input) and, in place of
/// class labels, one **meta-class** per embedding (its proxy, in `0..<K`: PML's
/// `indices_tuple`; the `labels` argument). Over the N + K rows E = [x; P]:
///
///     S = exp(max(m(E, E), 0) / 0.5) off the diagonal, 0 on it;   S̄ = D^(−½) S D^(−½), D = diag(S·1)
///     F = (1 − α)(I − αS̄)⁻¹   (the random walk's similarities)
///
/// and with, per embedding i and proxy j ≠ mᵢ, vᵢⱼ = Aᵢⱼ − A_{i,mᵢ} + margin:
///
///     ℓ(A) = mean_i ln(1 + Σ_{j ≠ mᵢ, vᵢⱼ ≥ 0} e^(vᵢⱼ))
///     L = ℓ(F[embeddings, proxies]) + λ_C · ℓ(cos(F[embedding i], F[proxy j]))
///
/// the intrinsic and the context loss. Terms with vᵢⱼ < 0 are left out (PML sets them to
/// −∞), so the gradient of an entry at the cut is one-sided. The result is already reduced
/// (no reducer, as PML). PML inverts I − αS̄ in single precision; this loss inverts in the
/// scalar type.
///
/// Defaults are PML's: λ_C = 1 (`contextWeight`, PML's `lambdaC`), α = 0.8, margin 5·10⁻⁴,
/// cosine similarity for m. PML's K and l are the proxies' shape. Proxies start as
/// 𝒩(0, 1) samples (PML's `randn`); `randomMetaClasses(count:proxyCount:seed:)` draws
/// meta-classes as PML does without `indices_tuple`.
///
/// - Complexity: O((N + K)²·l) for the similarities and O((N + K)³) for the inverse.
public struct ManifoldLoss<Scalar: TensorScalar>: ClassifierLoss, Sendable, Codable {
    /// The weight λ_C ≥ 0 of the context loss (PML's `lambdaC`).
    public var contextWeight: Scalar
    /// The random walk's α in [0, 1): how much similarity each node passes to its neighbours.
    public var alpha: Scalar
    /// The margin added to every difference vᵢⱼ.
    public var margin: Scalar
    /// How the rows of E are compared (before clamping at 0); a similarity.
    @CodableDistance public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(contextWeight: Scalar = 1, alpha: Scalar = 0.8, margin: Scalar = 5e-4, distance: any Distance<Scalar> = CosineSimilarity<Scalar>()) {
        (self.contextWeight, self.alpha, self.margin, self.distance) = (contextWeight, alpha, margin, distance)
    }

    /// The loss of `embeddings` (`[N, l]`) against the proxies `weights` (`[K, l]`) with
    /// each embedding's meta-class (proxy) in `labels`, in `0..<K`.
    /// - Throws: `MetricLearningError` for a bad batch, proxies whose shape does not fit, a
    ///   meta-class outside the proxies, a negative or non-finite λ_C, α outside [0, 1), a
    ///   non-finite margin, or a distance that is not a similarity.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ embeddings: Variable<Scalar>, weights: Variable<Scalar>, labels: [Int]) throws -> Variable<Scalar> {
        let (n, _, k) = try ClassifierParameterLayout.rows(name: "proxies").check(embeddings, weights, labels: labels)
        try BatchValidation.requireFinite(["contextWeight": contextWeight, "alpha": alpha, "margin": margin])
        try BatchValidation.require(contextWeight >= 0, "contextWeight", contextWeight, "must not be negative")
        try BatchValidation.require(alpha >= 0 && alpha < 1, "alpha", alpha, "must be in [0, 1)")
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
        let size = n + k
        let identity = try Tensor<Scalar>.identity(size: size)
        let offDiagonal = Variable(identity.map { 1 - $0 })
        let s = (distance(embeddings.stackingRows(weights)).clamped(lower: 0) / 0.5).exp() * offDiagonal
        let d = (1 / s.sum(alongAxis: 1).squareRoot()).reshaped(to: [size, 1])
        let walk = (Variable(identity) - s * matmul(d, d, transposeB: true) * alpha).inverse() * (1 - alpha)
        let samples = walk.gatheringRows(Array(0..<n)), proxies = walk.gatheringRows(Array(n..<size))
        let rows = (0..<(n * k)).map { $0 / k }, columns = (0..<(n * k)).map { n + $0 % k }
        let intrinsic = walk.gatheringElements(rows: rows, columns: columns).reshaped(to: [n, k])
        let context = CosineSimilarity<Scalar>()(samples, proxies)
        return try (hinge(intrinsic, labels) + hinge(context, labels) * contextWeight).checked()
    }

    /// mean_i ln(1 + Σ_{j ≠ mᵢ, vᵢⱼ ≥ 0} e^(vᵢⱼ)), vᵢⱼ = aᵢⱼ − a_{i,mᵢ} + margin, of an `[N, K]` matrix.
    func hinge(_ a: Variable<Scalar>, _ metaClasses: [Int]) -> Variable<Scalar> {
        let (n, k) = (metaClasses.count, a.shape[1])
        let own = a.gatheringElements(rows: Array(0..<n), columns: metaClasses).reshaped(to: [n, 1])
        let v = a - own + margin
        let values = v.value.scalars
        let kept = values.indices.map { $0 % k != metaClasses[$0 / k] && values[$0] >= 0 }
        return v.logSumExp(alongAxis: 1, mask: kept, includingZero: true).mean()
    }

    /// 𝒩(0, 1) proxies `[classCount, embeddingSize]` (PML's `randn(K, l)`).
    public func initialWeights(classCount: Int, embeddingSize: Int, seed: UInt64) throws -> Tensor<Scalar> {
        try Tensor.randomNormal(shape: [classCount, embeddingSize], seed: seed)
    }

    /// The proxies as they are: already one row per class, `[classCount, embeddingSize]`.
    public func classVectors(_ weights: Variable<Scalar>) -> Variable<Scalar> { weights }

    /// Meta-classes for `count` embeddings as PML draws them without `indices_tuple`: every
    /// proxy once, the rest uniform over the proxies, in a random order (seeded).
    /// - Throws: `invalidParameter` unless 1 ≤ `proxyCount` ≤ `count`.
    public static func randomMetaClasses(count: Int, proxyCount: Int, seed: UInt64) throws -> [Int] {
        try BatchValidation.require(proxyCount >= 1 && proxyCount <= count, "proxyCount", proxyCount, "must be in 1...\(count) (the batch size)")
        var generator = SeededRandomGenerator(seed: seed)
        var classes = Array(0..<proxyCount) + (proxyCount..<count).map { _ in generator.nextIndex(below: proxyCount) }
        for i in stride(from: count - 1, to: 0, by: -1) { classes.swapAt(i, generator.nextIndex(below: i + 1)) }
        return classes
    }
}
