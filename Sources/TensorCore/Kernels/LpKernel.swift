/// The p-norm ‖a − b‖ₚ = (Σₖ |aₖ − bₖ|ᵖ)^(1/p) of the difference of two rows, and its
/// gradient, for a finite p ≥ 1: the kernel behind `pairwiseLpDistances`, `pairLpDistances`
/// and `Variable.rowNorms(p:)`.
///
/// For p = 1 the norm is a plain sum of magnitudes and its gradient signs. Otherwise the sum
/// is taken over |dₖ|/m with m = maxₖ |dₖ| and scaled back, so it neither overflows nor
/// underflows where the norm itself is representable; whole exponents up to 16 are products,
/// others `pow`. The gradient of the norm with respect to `a` is sign(dₖ)·(|dₖ|/‖d‖ₚ)^(p−1)
/// (sign(dₖ) for p = 1), and 0 at a zero difference, as PyTorch's `cdist` and `norm`.
struct LpKernel<Scalar: TensorScalar>: Sendable {
    /// The exponent p (finite, ≥ 1).
    let p: Scalar
    /// p when it is a whole number up to 16 (powers are then products), else nil.
    let wholeP: Int?

    /// The kernel of `p`.
    /// - Throws: `MetricLearningError.invalidParameter` unless p is a finite number ≥ 1.
    init(validating p: Scalar) throws {
        try BatchValidation.require(p.isFinite && p >= 1, "p", p, "must be a finite number ≥ 1")
        self.p = p
        wholeP = p <= 16 && p.rounded() == p ? Int(p) : nil
    }

    /// A rough count of scalar operations per element, for `parallelFor`'s threshold.
    var cost: Int { p == 1 ? 2 : wholeP == nil ? 40 : 8 }

    /// ‖a − b‖ₚ over `n` elements.
    ///
    /// - Complexity: O(n); one `pow` per element unless p is a whole number.
    func distance(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        p == 1 ? Self.manhattan(a, b, n) : norm(n) { a[$0] - b[$0] }
    }

    /// ‖a‖ₚ over `n` elements.
    func norm(_ a: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        norm(n) { a[$0] }
    }

    /// `out` += weight · ∂‖a − b‖ₚ/∂a, given `value` = ‖a − b‖ₚ (nothing when it is 0).
    func addGradient(
        _ out: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar
    ) {
        guard value > 0 && weight != 0 else { return }
        if p == 1 { return Self.addSigns(out, a, b, n, weight) }
        addGradient(out, n, value: value, weight: weight) { a[$0] - b[$0] }
    }

    /// `out` += weight · ∂‖a‖ₚ/∂a, given `value` = ‖a‖ₚ (nothing when it is 0).
    func addGradient(_ out: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar) {
        guard value > 0 && weight != 0 else { return }
        addGradient(out, n, value: value, weight: weight) { a[$0] }
    }

    /// xᵉ for x ≥ 0: products for a whole e (`whole`), else `pow`.
    @inline(__always)
    private static func power(_ x: Scalar, _ e: Scalar, whole: Int?) -> Scalar {
        guard let whole else { return Scalar.pow(x, e) }
        var result: Scalar = 1
        for _ in 0..<whole { result *= x }
        return result
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
        for k in 0..<n { s += Self.power(element(k).magnitude / largest, p, whole: wholeP) }
        return largest * Scalar.pow(s, 1 / p)
    }

    @inline(__always)
    private func addGradient(_ out: UnsafeMutablePointer<Scalar>, _ n: Int, value: Scalar, weight: Scalar, _ element: (Int) -> Scalar) {
        let (exponent, whole) = (p - 1, wholeP.map { $0 - 1 })
        for k in 0..<n {
            let d = element(k)
            guard d != 0 else { continue }
            let share = Self.power(d.magnitude / value, exponent, whole: whole) * weight
            out[k] += d > 0 ? share : -share
        }
    }

    /// Σₖ |aₖ − bₖ|, in four interleaved sums.
    private static func manhattan(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var (s0, s1, s2, s3): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
        var i = 0
        while i + 4 <= n {
            s0 += (a[i] - b[i]).magnitude
            s1 += (a[i + 1] - b[i + 1]).magnitude
            s2 += (a[i + 2] - b[i + 2]).magnitude
            s3 += (a[i + 3] - b[i + 3]).magnitude
            i += 4
        }
        while i < n { s0 += (a[i] - b[i]).magnitude; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// out[k] += weight · sign(aₖ − bₖ) (0 where they are equal).
    private static func addSigns(_ out: UnsafeMutablePointer<Scalar>, _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int, _ weight: Scalar) {
        for k in 0..<n {
            let d = a[k] - b[k]
            out[k] += d > 0 ? weight : d < 0 ? -weight : 0
        }
    }
}
