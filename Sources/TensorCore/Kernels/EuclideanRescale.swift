/// When Euclidean distances must be computed on rows scaled by a power of two.
///
/// ‖x − y‖ is finite for rows whose squared norms overflow (|x| ≈ 1e19 in `Float`). Above
/// a magnitude of 2^(maxExponent/2 − 12) rows are scaled by 2^−k (k the largest entry's
/// exponent), the distances computed and scaled back by 2^k: exact, since only exponents
/// change, and finite for widths up to 2^22.
@usableFromInline package enum EuclideanRescale {
    /// k for rows this large, or nil when they need no scaling.
    /// - Complexity: O(x.count + y.count), one vectorised pass over each (one in all when
    ///   they share their storage, none for rows a mine-and-reduce call normalised).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func exponent<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) -> Int? {
        // One pass when both are one tensor (a batch against itself), none for rows this call
        // normalised (`StepMemo`).
        let shared = x.storage.withUnsafeBufferPointer { a in y.storage.withUnsafeBufferPointer { a.baseAddress == $0.baseAddress && a.count == $0.count } }
        guard shared else { return exponent(largest: Swift.max(largestMagnitude(x.storage), largestMagnitude(y.storage)), Scalar.self) }
        return StepMemo.result(.rescaleExponent, of: x.storage) { exponent(largest: largestMagnitude(x.storage), Scalar.self) }
    }

    /// k for rows whose largest entry has magnitude `largest`, or nil when they need no scaling.
    static func exponent<Scalar: TensorScalar>(largest: Scalar, _: Scalar.Type) -> Int? {
        let limit = Int(Scalar.greatestFiniteMagnitude.exponent) / 2 - 12
        guard largest.isFinite, largest > 0, Int(largest.exponent) > limit else { return nil }
        return Int(largest.exponent)
    }

    /// 2^−k and 2^k.
    @inlinable package static func factors<Scalar: TensorScalar>(_ k: Int, as _: Scalar.Type) -> (down: Scalar, up: Scalar) {
        (Scalar(sign: .plus, exponent: Scalar.Exponent(-k), significand: 1), Scalar(sign: .plus, exponent: Scalar.Exponent(k), significand: 1))
    }

    /// max |v| over the scalars (0 for none; NaN entries are skipped), by the vectorised
    /// `Reductions.bounds`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func largestMagnitude<Scalar: TensorScalar>(_ scalars: [Scalar]) -> Scalar {
        guard !scalars.isEmpty else { return 0 }
        let (lower, upper) = scalars.withUnsafeBufferPointer { Reductions.bounds($0.baseAddress!, $0.count) }
        return Swift.max(Swift.max(upper, -lower), 0)
    }
}
