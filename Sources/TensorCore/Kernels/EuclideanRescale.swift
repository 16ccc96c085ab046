/// When Euclidean distances must be computed on rows scaled by a power of two.
///
/// ‖x − y‖ is finite for rows whose squared norms overflow (|x| ≈ 1e19 in `Float`). Above
/// a magnitude of 2^(maxExponent/2 − 12) rows are scaled by 2^−k (k the largest entry's
/// exponent), the distances computed and scaled back by 2^k: exact, since only exponents
/// change, and finite for widths up to 2^22.
@usableFromInline package enum EuclideanRescale {
    /// k for rows this large, or nil when they need no scaling.
    /// - Complexity: O(x.count + y.count), one vectorised pass over each.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func exponent<Scalar: TensorScalar>(_ x: Tensor<Scalar>, _ y: Tensor<Scalar>) -> Int? {
        let largest = Swift.max(largestMagnitude(x.storage), largestMagnitude(y.storage))
        let limit = Int(Scalar.greatestFiniteMagnitude.exponent) / 2 - 12
        guard largest.isFinite, largest > 0, Int(largest.exponent) > limit else { return nil }
        return Int(largest.exponent)
    }

    /// 2^−k and 2^k.
    @inlinable package static func factors<Scalar: TensorScalar>(_ k: Int, as _: Scalar.Type) -> (down: Scalar, up: Scalar) {
        (Scalar(sign: .plus, exponent: Scalar.Exponent(-k), significand: 1), Scalar(sign: .plus, exponent: Scalar.Exponent(k), significand: 1))
    }

    /// max |v| over the scalars (0 for none; NaN entries are skipped).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @usableFromInline package static func largestMagnitude<Scalar: TensorScalar>(_ scalars: [Scalar]) -> Scalar {
        scalars.withUnsafeBufferPointer { b in
            var lanes = SIMD8<Scalar>(repeating: 0)
            var i = 0
            while i + 8 <= b.count {
                let v = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: SIMD8<Scalar>.self)
                lanes = pointwiseMax(lanes, v.replacing(with: -v, where: v .< 0))
                i += 8
            }
            var largest = lanes.max()
            while i < b.count { largest = Swift.max(largest, Swift.abs(b[i])); i += 1 }
            return largest
        }
    }
}
