import TensorCore

/// The signal-to-noise ratio distance var(y − x) / var(x): the variance of the "noise" y − x
/// relative to that of the anchor x, by default between L2-normalised rows.
///
/// PML's `SNRDistance` (Yuan et al. 2019), with `normalizesEmbeddings` true by default as
/// there. Not symmetric: rows of the first argument are the anchors. With centred rows
/// x̄ = x − mean(x) the ratio is ‖x̄ − ȳ‖² / ‖x̄‖² (the variances' 1/(D − 1) cancels).
///
/// PML divides by var(x) alone, which is 0 for a constant row, a zero row or D = 1 (a NaN
/// or ∞ distance). Here the denominator is ‖x̄‖² + ε(‖x‖² + ‖y‖²) with ε = `Scalar.ulpOfOne`:
/// every distance is finite (at most 2/ε), the distance between two zero rows is 0, and
/// other distances differ from PML's by a relative ε·(‖x‖² + ‖y‖²)/‖x̄‖², rounding level.
/// Inputs with very large or very small entries are scaled by a power of two first, which
/// leaves the ratio unchanged.
///
/// - Complexity: one N×M×D matrix product (the squared distances of the centred rows) and
///   O(N·M) elementwise passes.
public struct SNRDistance<Scalar: TensorScalar>: Distance {
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
        let (x, y, same) = Self.rescaled(x, y)
        let (cx, xs) = Self.centred(x)
        let (cy, ys) = same ? (cx, xs) : Self.centred(y)
        let anchors = (cx * cx).sum(alongAxis: 1) + Self.epsilon * xs
        let denominators = anchors.reshaped(to: [x.shape.first ?? 0, 1]) + Self.epsilon * ys
        return Self.ratio(pairwiseSquaredDistances(cx, cy), denominators)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func values(_ x: Variable<Scalar>, against y: Variable<Scalar>, rows: [Int], columns: [Int]) -> Variable<Scalar> {
        guard prefersPairs(count: rows.count, x, y) else {
            return matrix(x, y).gatheringElements(rows: rows, columns: columns)
        }
        let (px, py) = preparedPairs(x, y)
        let (sx, sy, same) = Self.rescaled(px, py)
        let (cx, xs) = Self.centred(sx)
        let (cy, ys) = same ? (cx, xs) : Self.centred(sy)
        let anchors = (cx * cx).sum(alongAxis: 1) + Self.epsilon * xs
        let denominators = Self.gathered(anchors, rows) + Self.epsilon * Self.gathered(ys, columns)
        return Self.ratio(pairSquaredDistances(cx, cy, rows: rows, columns: columns), denominators)
    }

    /// ε of the denominator.
    static var epsilon: Scalar { .ulpOfOne }

    /// Both sets scaled by one power of two, 2^−k with k the exponent of their largest
    /// entry, when k is far from 0 (the ratio does not change; squares of large entries no
    /// longer overflow, nor those of small ones underflow), and whether they are one variable.
    static func rescaled(_ x: Variable<Scalar>, _ y: Variable<Scalar>) -> (Variable<Scalar>, Variable<Scalar>, Bool) {
        let same = x.isSameVariable(as: y)
        let largest = Swift.max(EuclideanRescale.largestMagnitude(x.value.storage), EuclideanRescale.largestMagnitude(y.value.storage))
        guard largest.isFinite, largest > 0, Swift.abs(Int(largest.exponent)) > 16 else { return (x, y, same) }
        let down = EuclideanRescale.factors(Int(largest.exponent), as: Scalar.self).down
        let xs = x * down
        return (xs, same ? xs : y * down, same)
    }

    /// The rows minus their means, and the rows' squared norms.
    static func centred(_ x: Variable<Scalar>) -> (centred: Variable<Scalar>, squaredNorms: Variable<Scalar>) {
        (x - x.mean(alongAxis: 1).reshaped(to: [x.shape.first ?? 0, 1]), (x * x).sum(alongAxis: 1))
    }

    /// numerators / denominators elementwise (one shape), and 0 with a zero gradient where a
    /// denominator is 0 (two zero rows, whose numerator is 0 too).
    static func ratio(_ numerators: Variable<Scalar>, _ denominators: Variable<Scalar>) -> Variable<Scalar> {
        let (n, d) = (numerators.value, denominators.value)
        return Variable.record([numerators, denominators]) {
            guard n.shape == d.shape else {
                throw MetricLearningError(.shapeMismatch, "SNRDistance: \(n.shape) numerators and \(d.shape) denominators")
            }
            let out = zip(n.storage, d.storage).map { $1 > 0 ? $0 / $1 : 0 }
            return (Tensor(uncheckedShape: n.shape, scalars: out), { g in
                let gn = out.indices.map { d.storage[$0] > 0 ? g.storage[$0] / d.storage[$0] : 0 }
                let gd = out.indices.map { -gn[$0] * out[$0] }
                return [Tensor(uncheckedShape: n.shape, scalars: gn), Tensor(uncheckedShape: d.shape, scalars: gd)]
            })
        }
    }

    /// The entries `indices` of a vector.
    static func gathered(_ v: Variable<Scalar>, _ indices: [Int]) -> Variable<Scalar> {
        v.reshaped(to: [v.shape.first ?? 0, 1]).gatheringElements(rows: indices, columns: Array(repeating: 0, count: indices.count))
    }
}
