import TensorCore

/// Thresholds on squared distances that decide comparisons of their square roots exactly,
/// so a miner can skip the N×M square roots: with t = `above(m)`, √x > m ⟺ x ≥ t, and
/// with t = `atLeast(m)`, √x ≥ m ⟺ x ≥ t, for every x ≥ 0 (square roots are correctly
/// rounded, hence monotone).
@usableFromInline enum SquaredDistanceThreshold {
    /// The squared form of `distance` when it is a (rooted) Euclidean distance, which a miner
    /// can compare with these thresholds instead; nil otherwise.
    @usableFromInline static func squaredForm<Scalar: TensorScalar>(of distance: any Distance<Scalar>) -> EuclideanDistance<Scalar>? {
        guard distance.kernel == .euclidean(squared: false) else { return nil }
        return EuclideanDistance(normalizesEmbeddings: distance.normalizesEmbeddings, squared: true)
    }

    /// The least x ≥ 0 with √x > m (+∞ when there is none, NaN for a NaN margin).
    @usableFromInline static func above<Scalar: TensorScalar>(_ m: Scalar) -> Scalar {
        least(m) { $0 > m }
    }

    /// The least x ≥ 0 with √x ≥ m (+∞ when there is none, NaN for a NaN margin).
    @usableFromInline static func atLeast<Scalar: TensorScalar>(_ m: Scalar) -> Scalar {
        least(m) { $0 >= m }
    }

    /// The least x ≥ 0 whose square root satisfies `holds` (a condition that, once true,
    /// stays true as x grows), searched next to m².
    static func least<Scalar: TensorScalar>(_ m: Scalar, _ holds: (Scalar) -> Bool) -> Scalar {
        guard !m.isNaN else { return .nan }
        guard m.isFinite else { return m > 0 ? .infinity : 0 }
        guard m > 0 else { return holds(0) ? 0 : Scalar.leastNonzeroMagnitude }
        var t = m * m
        while t > 0 && holds(t.nextDown.squareRoot()) { t = t.nextDown }
        while t < .infinity && !holds(t.squareRoot()) { t = t.nextUp }
        return t
    }
}
