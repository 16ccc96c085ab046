/// The p-norm ‖a − b‖ₚ = (Σₖ |aₖ − bₖ|ᵖ)^(1/p) of the difference of two rows, and its
/// gradient, for a finite p ≥ 1: the kernel behind `pairwiseLpDistances`, `pairLpDistances`
/// and `Variable.rowNorms(p:)`.
///
/// Except for p = 1 (a plain sum of magnitudes), the sum is taken over |dₖ|/m with
/// m = maxₖ |dₖ| and scaled back, so it neither overflows nor underflows where the norm
/// itself is representable. The gradient of the norm with respect to `a` is
/// sign(dₖ)·(|dₖ|/‖d‖ₚ)^(p−1) (sign(dₖ) for p = 1), and 0 at a zero difference, as
/// PyTorch's `cdist` and `norm`.
struct LpKernel<Scalar: TensorScalar>: Sendable {
    /// The exponent p (finite, ≥ 1).
    let p: Scalar

    /// The kernel of `p`.
    /// - Throws: `MetricLearningError.invalidParameter` unless p is a finite number ≥ 1.
    init(validating p: Scalar) throws {
        try BatchValidation.require(p.isFinite && p >= 1, "p", p, "must be a finite number ≥ 1")
        self.p = p
    }

    /// A rough count of scalar operations per element, for `parallelFor`'s threshold.
    var cost: Int { p == 1 ? 2 : 40 }

    /// ‖a − b‖ₚ over `n` elements.
    ///
    /// - Complexity: O(n); one `pow` per element unless p = 1.
    func distance(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        norm(n) { a[$0] - b[$0] }
    }

    /// ‖a‖ₚ over `n` elements.
    func norm(_ a: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        norm(n) { a[$0] }
    }

    /// `out` += weight · ∂‖a − b‖ₚ/∂a, given `value` = ‖a − b‖ₚ (nothing when it is 0).
    func addGradient(
        _ out: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar
    ) {
        addGradient(out, n, value: value, weight: weight) { a[$0] - b[$0] }
    }

    /// `out` += weight · ∂‖a‖ₚ/∂a, given `value` = ‖a‖ₚ (nothing when it is 0).
    func addGradient(_ out: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar) {
        addGradient(out, n, value: value, weight: weight) { a[$0] }
    }

    @inline(__always)
    private func norm(_ n: Int, _ element: (Int) -> Scalar) -> Scalar {
        if p == 1 {
            var s: Scalar = 0
            for k in 0..<n { s += element(k).magnitude }
            return s
        }
        var largest: Scalar = 0
        for k in 0..<n { largest = Swift.max(largest, element(k).magnitude) }
        guard largest > 0 && largest.isFinite else { return largest }
        var s: Scalar = 0
        for k in 0..<n { s += Scalar.pow(element(k).magnitude / largest, p) }
        return largest * Scalar.pow(s, 1 / p)
    }

    @inline(__always)
    private func addGradient(_ out: UnsafeMutablePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar, _ element: (Int) -> Scalar) {
        guard value > 0 && weight != 0 else { return }
        if p == 1 {
            for k in 0..<n {
                let d = element(k)
                if d != 0 { out[k] += d > 0 ? weight : -weight }
            }
            return
        }
        let exponent = p - 1
        for k in 0..<n {
            let d = element(k)
            guard d != 0 else { continue }
            let share = Scalar.pow(d.magnitude / value, exponent) * weight
            out[k] += d > 0 ? share : -share
        }
    }
}
