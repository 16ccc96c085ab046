extension Tensor {
    /// eˣ elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func exp() -> Tensor { map { Scalar.exp($0) } }
    /// ln x elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log() -> Tensor { map { Scalar.log($0) } }
    /// ln(1 + x) elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log1p() -> Tensor { map { Scalar.log1p($0) } }
    /// √x elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squareRoot() -> Tensor {
        let n = count
        let out = [Scalar](uninitializedCount: n) { buffer in
            storage.withUnsafeBufferPointer { src in
                let (from, to) = (src.baseAddress!, buffer.baseAddress!)
                for i in 0..<n { to[i] = from[i].squareRoot() }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
    /// |x| elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func abs() -> Tensor { map { Swift.abs($0) } }
    /// x² elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func squared() -> Tensor { map { $0 * $0 } }
    /// max(x, 0) elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func relu() -> Tensor { map { Swift.max($0, 0) } }
    /// ln(1 + eˣ) elementwise, computed as max(x, 0) + ln(1 + e^(−|x|)) so it never overflows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softplus() -> Tensor { map { Tensor.softplus($0) } }
    /// tanh x elementwise, as 1 − 2/(e^(2x) + 1) (saturates cleanly for large |x|).
    public func tanh() -> Tensor { map { 1 - 2 / (Scalar.exp(2 * $0) + 1) } }
    /// x limited to [lower, upper] elementwise.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func clamped(lower: Scalar = -.infinity, upper: Scalar = .infinity) -> Tensor {
        map { Swift.min(Swift.max($0, lower), upper) }
    }

    /// ln(1 + eˣ) for one scalar, stable for every x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable package static func softplus(_ x: Scalar) -> Scalar {
        Swift.max(x, 0) + Scalar.log1p(Scalar.exp(-Swift.abs(x)))
    }
    /// The logistic function 1 / (1 + e^(−x)), stable for every x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @inlinable package static func sigmoid(_ x: Scalar) -> Scalar {
        if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
        let e = Scalar.exp(x)
        return e / (1 + e)
    }

    /// True when every scalar is finite (one vectorised pass for `Float`; a large tensor's
    /// parts on the compute threads, as a gradient's rows were written on them).
    public var isFinite: Bool {
        storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            guard buffer.count >= 1 << 15 else { return Reductions.firstNonFinite(base, buffer.count) == nil }
            nonisolated(unsafe) let start = base
            return parallelRanges(buffer.count, chunks: 4, work: buffer.count * 16) { part in
                Reductions.firstNonFinite(start + part.lowerBound, part.count) == nil
            }.allSatisfy { $0 }
        }
    }
}
