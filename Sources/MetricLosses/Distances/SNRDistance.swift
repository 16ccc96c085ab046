import TensorCore

/// The signal-to-noise ratio distance var(y − x) / var(x): the variance of the "noise" y − x
/// relative to that of the anchor x, by default between L2-normalised rows.
///
/// PML's `SNRDistance` (Yuan et al. 2019), with `normalizesEmbeddings` true by default as
/// there. Not symmetric: rows of the first argument are the anchors. With centred rows
/// x̄ = x − mean(x) the ratio is ‖x̄ − ȳ‖² / ‖x̄‖² (the variances' 1/(D − 1) cancels).
///
/// PML divides by var(x) alone, which is 0 for a constant row, a zero row or D = 1 (a NaN
/// or ∞ distance). Here the denominator is ‖x̄‖² + ε(‖x‖² + ‖y‖²) with ε = `Scalar.ulpOfOne`,
/// and at least 1e-24 (PyTorch's normalisation floor 1e-12, squared): every distance is
/// finite (at most 2/ε), and so is every gradient; other distances differ from PML's by a
/// relative ε·(‖x‖² + ‖y‖²)/‖x̄‖², rounding level, unless the rows' norms are below about
/// 1e-12 (then the distances are about 0). Rows large enough for their squares to overflow
/// are scaled by a power of two first, which leaves the ratio unchanged.
///
/// - Complexity: one N×M×D matrix product (the squared distances of the centred rows) and
///   O(N·M) elementwise passes.
public struct SNRDistance<Scalar: TensorScalar>: Distance, Codable {
    /// Whether rows are L2-normalised before comparing (PML's `normalize_embeddings`).
    public let normalizesEmbeddings: Bool
    /// False: a larger ratio is farther.
    public var isSimilarity: Bool { false }

    /// Creates the distance; normalising by default, as PML.
    public init(normalizesEmbeddings: Bool = true) {
        self.normalizesEmbeddings = normalizesEmbeddings
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pairwise(normalized x: Variable<Scalar>, _ y: Variable<Scalar>) -> Variable<Scalar> {
        let (cx, cy, anchors, references) = Self.terms(x, y)
        return Self.ratio(pairwiseSquaredDistances(cx, cy), anchors.reshaped(to: [x.shape.first ?? 0, 1]) + references)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        pairValues(x, against: y, rows: rows, columns: columns) { px, py in
            let (cx, cy, anchors, references) = Self.terms(px, py)
            return Self.ratio(pairSquaredDistances(cx, cy, rows: rows, columns: columns), Self.gathered(anchors, rows) + Self.gathered(references, columns))
        }
    }

    /// ε of the denominator.
    static var epsilon: Scalar { .ulpOfOne }

    /// The centred rows of both sets (after `rescaled`) and the two parts of the denominator:
    /// ‖x̄ᵢ‖² + ε‖xᵢ‖² per anchor and ε‖yⱼ‖² per reference.
    static func terms(_ x: Variable<Scalar>, _ y: Variable<Scalar>)
        -> (cx: Variable<Scalar>, cy: Variable<Scalar>, anchors: Variable<Scalar>, references: Variable<Scalar>) {
        let (x, y, same) = rescaled(x, y)
        let (cx, xs) = centred(x)
        let (cy, ys) = same ? (cx, xs) : centred(y)
        return (cx, cy, (cx * cx).sum(alongAxis: 1) + epsilon * xs, epsilon * ys)
    }

    /// Both sets scaled by one power of two when their squares could overflow (the ratio does
    /// not change), and whether they are one variable.
    static func rescaled(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> (Variable<Scalar>, Variable<Scalar>, Bool) {
        let same = x.isSameVariable(as: y)
        guard let exponent = EuclideanRescale.exponent(x.value, y.value) else { return (x, y, same) }
        let down = EuclideanRescale.factors(exponent, as: Scalar.self).down
        let xs = x * down
        return (xs, same ? xs : y * down, same)
    }

    /// The rows minus their means, and the rows' squared norms.
    static func centred(_ x: Variable<Scalar>) -> (centred: Variable<Scalar>, squaredNorms: Variable<Scalar>) {
        (x - x.mean(alongAxis: 1).reshaped(to: [x.shape.first ?? 0, 1]), (x * x).sum(alongAxis: 1))
    }

    /// numerators / max(denominators, 1e-24) elementwise (one shape; 1e-24 is PyTorch's
    /// normalisation floor 1e-12, squared). The pullback never squares a denominator (which
    /// underflows in `Float` near the floor): ∂n = g/d, ∂d = −(g/d)·(n/d), 0 below the floor.
    static func ratio(_ numerators: Variable<Scalar>, _ denominators: Variable<Scalar>) -> Variable<Scalar> {
        let (n, d) = (numerators.value, denominators.value)
        let floor = Tensor<Scalar>.normalizationFloor * Tensor<Scalar>.normalizationFloor
        return Variable.record([numerators, denominators]) {
            guard n.shape == d.shape else {
                throw MetricLearningError(.shapeMismatch, "SNRDistance: \(n.shape) numerators and \(d.shape) denominators")
            }
            let out = zip(n.storage, d.storage).map { $0 / Swift.max($1, floor) }
            return (Tensor(uncheckedShape: n.shape, scalars: out), { g in
                let gn = out.indices.map { g.storage[$0] / Swift.max(d.storage[$0], floor) }
                let gd = out.indices.map { d.storage[$0] >= floor ? -gn[$0] * out[$0] : 0 }
                return [Tensor(uncheckedShape: n.shape, scalars: gn), Tensor(uncheckedShape: d.shape, scalars: gd)]
            })
        }
    }

    /// The entries `indices` of a vector.
    static func gathered(_ v: Variable<Scalar>, _ indices: [Int]) -> Variable<Scalar> {
        v.reshaped(to: [v.shape.first ?? 0, 1]).gatheringElements(rows: indices, columns: Array(repeating: 0, count: indices.count))
    }
}
