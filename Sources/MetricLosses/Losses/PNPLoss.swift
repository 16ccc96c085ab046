import TensorCore

/// The PNP loss (Li et al. 2022, "only penalizing negative instances before positive ones
/// is enough"), as PML's `PNPLoss`: a smoothed average-precision surrogate that counts, for
/// each positive, the negatives ranked before it, and penalises that count.
///
/// For anchor i with positives Pᵢ (|Pᵢ| ≥ 1) and negatives Nᵢ, each j ∈ Pᵢ ∪ {i} (the
/// anchor itself included, as PML does, with its similarity sᵢᵢ to itself) gets
///
///     rᵢⱼ = Σ_{k ∈ Nᵢ} σ((sᵢₖ − sᵢⱼ)/τ),   σ(z) = 1/(1 + e^clamp(−z, −50, 50))
///     L = (1/|A|) Σ_{i ∈ A} (1/(|Pᵢ| + 1)) Σ_{j ∈ Pᵢ ∪ {i}} f(rᵢⱼ)
///
/// over the anchors A that have a positive, with the penalty f of ``variant`` (for
/// `.decreasingPower` the loss is 1 − that mean). The exponent is clamped as PML clamps it:
/// beyond 50τ apart a pair adds 1/(1 + e^±50) and no gradient. Nothing is detached.
///
/// Defaults are PML's: τ = 0.01 (PML's `anneal`), the variant `.original` ("O"; b = 2 and
/// α = 1 are PML's defaults of the other variants), cosine similarity. The loss is already a
/// scalar (PML's "already reduced"), so it takes no reducer. Without an anchor that has a
/// positive it is 0, with a zero gradient (also for `.decreasingPower`, as PML).
///
/// PML refuses tuples and references; here listed pairs give each anchor's positives and
/// negatives (each pair once), and references are compared as usual (the anchor's own copy
/// left out, its self term still from the anchor's similarity to itself), so the loss runs
/// after a miner and under `CrossBatchMemory`.
///
/// - Complexity: O(N·M·D) for the matrix, then O(Σᵢ (|Pᵢ| + 1)·|Nᵢ|) exponentials; PML
///   builds N×N×N tensors.
public struct PNPLoss<Scalar: TensorScalar>: MetricLoss, Sendable {
    /// The penalty f of a positive's smoothed count r of negatives ranked before it (PML's
    /// `variant`), named after the shape of its derivative.
    public enum Variant: Sendable, Equatable {
        /// "O": f(r) = r, the count itself.
        case original
        /// "Ds": f(r) = ln(1 + r), with a decreasing derivative.
        case decreasingLogarithm
        /// "Dq": the loss is 1 − mean (1 + r)^(−α), with a decreasing derivative (α > 0).
        case decreasingPower(alpha: Scalar)
        /// "Iu": f(r) = (1 + r)·ln(1 + r), with an increasing, unbounded derivative.
        case increasingUnbounded
        /// "Ib": f(r) = (b·r − ln(1 + b·r))/b², with an increasing derivative bounded by 1/b (b > 0).
        case increasingBounded(b: Scalar)

        /// The variant PML names `name` ("O", "Ds", "Dq", "Iu", "Ib"), with PML's `alpha` and `b`.
        public init?(pmlName name: String, alpha: Scalar = 1, b: Scalar = 2) {
            switch name {
            case "O": self = .original
            case "Ds": self = .decreasingLogarithm
            case "Dq": self = .decreasingPower(alpha: alpha)
            case "Iu": self = .increasingUnbounded
            case "Ib": self = .increasingBounded(b: b)
            default: return nil
            }
        }

        /// f(r) and f′(r) (for `.decreasingPower`, −(1 + r)^(−α), the term of 1 − mean).
        @inlinable func penalty(_ r: Scalar) -> (value: Scalar, slope: Scalar) {
            switch self {
            case .original: return (r, 1)
            case .decreasingLogarithm: return (Scalar.log(1 + r), 1 / (1 + r))
            case .decreasingPower(let alpha):
                let power = 1 / Scalar.pow(1 + r, alpha)
                return (-power, alpha * power / (1 + r))
            case .increasingUnbounded:
                let log = Scalar.log(1 + r)
                return ((1 + r) * log, log + 1)
            case .increasingBounded(let b):
                return ((b * r - Scalar.log(1 + b * r)) / (b * b), r / (1 + b * r))
            }
        }
    }

    /// The penalty of the counts.
    public var variant: Variant
    /// The temperature τ of the sigmoid that smooths "ranked before" (PML's `anneal`; τ > 0).
    public var temperature: Scalar
    /// How embeddings are compared; a similarity (cosine by default, as PML requires).
    public var distance: any Distance<Scalar>

    /// Creates the loss; the defaults are PML's.
    public init(variant: Variant = .original, temperature: Scalar = 0.01, distance: any Distance<Scalar> = CosineSimilarity<Scalar>()) {
        (self.variant, self.temperature, self.distance) = (variant, temperature, distance)
    }

    /// Throws unless τ is positive with 1/τ finite, α and b positive and finite, and the
    /// distance a similarity.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func checkHyperparameters() throws {
        try BatchValidation.requireFinite(["temperature": temperature])
        try BatchValidation.require(temperature > 0 && (1 / temperature).isFinite, "temperature", temperature, "must be positive, with 1/temperature finite")
        switch variant {
        case .decreasingPower(let alpha): try BatchValidation.require(alpha > 0 && alpha.isFinite, "alpha", alpha, "must be positive and finite")
        case .increasingBounded(let b): try BatchValidation.require(b > 0 && b.isFinite, "b", b, "must be positive and finite")
        default: break
        }
        try BatchValidation.require(distance.isSimilarity, "distance", distance, "must be a similarity, not a distance")
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ inputs: BatchInputs<Scalar>, tuples: MinedTuples?) throws -> Variable<Scalar> {
        let n = try inputs.validate(tuples).count
        try checkHyperparameters()
        let columns = try AnchorColumns(PairSelection(tuples, pairing: inputs.pairing))
        let matrix = try inputs.matrix(distance).checked()
        let selfValues = try distance.values(inputs.embeddings, rows: Array(0..<n), columns: Array(0..<n)).checked()
        let (variant, temperature) = (variant, temperature)
        let offset: Scalar = if case .decreasingPower = variant { 1 } else { 0 }
        let loss = Variable.record([matrix, selfValues]) {
            let r = PNPRows.lossAndGradients(matrix: matrix.value, selfValues: selfValues.value, columns: columns, temperature: temperature,
                                             offset: offset, penalty: variant.penalty)
            return (Tensor(r.value), { g in [r.matrix * g.scalars[0], r.selfValues * g.scalars[0]] })
        }
        return try loss.checked()
    }
}
